// What a GGUF model will need in RAM, from node-llama-cpp's own GGUF insights (the arithmetic llama.cpp's allocator
// follows): weights (all of them without mmap), the KV cache for contextSize × parallel, and the compute buffers.
import type { Llama } from 'node-llama-cpp';
import type { BuiltinServerConfig } from '../config/types.js';
import type { MemoryEstimate } from './estimate.js';

export async function estimateGguf(
  file: string,
  fileBytes: number,
  /** A runtime instance; without one node-llama-cpp loads its binding without a backend (slower: `validate --plan`). */
  llama: Llama | undefined,
  server: BuiltinServerConfig,
): Promise<MemoryEstimate> {
  const { readGgufFileInfo, GgufInsights } = await import('node-llama-cpp');
  // All keys, the vocabulary too: its length sizes the logits buffer (vocabulary × batch × 4 bytes, 311 MB for 152k
  // tokens), and node-llama-cpp parses every array whether a key is ignored or not.
  const info = await readGgufFileInfo(file, { logWarnings: false });
  const insights = await GgufInsights.from(info, llama);
  const weights = insights.estimateModelResourceRequirements({ gpuLayers: 0, useMmap: server.mmap }).cpuRam;
  const context = {
    contextSize: Math.min(server.contextSize, insights.trainContextSize ?? server.contextSize),
    modelGpuLayers: 0,
    sequences: server.parallel,
  };
  const kv = insights.estimateContextResourceRequirements({ ...context, includeGraphOverhead: false }).cpuRam;
  const withGraph = insights.estimateContextResourceRequirements({ ...context, includeGraphOverhead: true }).cpuRam;
  const compute = Math.max(0, withGraph - kv);
  // Mapped weights are file pages the kernel can drop again: they are not counted against memory.
  const parts = { weights: server.mmap ? 0 : Math.max(weights, fileBytes), kv, compute };
  return { bytes: parts.weights + kv + compute, parts };
}
