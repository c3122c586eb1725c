// One model's memory estimate, worked out the same way wherever it is asked: by a server before it admits a load, and
// by `validate --plan` before anything starts. The file is checked first; a file the check refuses has no estimate.
import type { Llama } from 'node-llama-cpp';
import type { BuiltinServerConfig, ModelConfig } from '../config/types.js';
import { fileIdentity } from '../file-identity.js';
import { checkLlmFile } from '../formats/gguf/check.js';
import { readWhisperFile } from '../formats/whisper/read.js';
import type { MemoryEstimate } from './estimate.js';
import { estimateGguf } from './gguf.js';
import { estimateOcr, estimateWhisper } from './whisper.js';

/** A model's estimate and the size of the file its check read (none for OCR, whose data comes from a package). */
export interface ModelFileEstimate {
  estimate: MemoryEstimate;
  fileBytes?: number;
}

/** A GGUF file's context when node-llama-cpp cannot estimate it (an architecture it does not know). */
const FALLBACK_CONTEXT_BYTES = 64 * 2 ** 20;

/**
 * node-llama-cpp's estimate per file path, valid for one file identity and one set of server settings: it parses the
 * whole header again (160–195 ms with a 150k vocabulary), so a retry or a reload of the same file reuses it.
 */
const ggufEstimates = new Map<string, { key: string; estimate: Promise<MemoryEstimate> }>();

/** Checks the model's file (its errors are the reason it has no estimate) and estimates what loading it will need. */
export async function estimateModelFile(
  server: BuiltinServerConfig,
  model: Pick<ModelConfig, 'file' | 'type'>,
  /**
   * The server's runtime, awaited after the check (a refused file is reported as such) and only when node-llama-cpp
   * is asked; without one it loads its binding without a backend (slower: the plan).
   */
  llama?: Llama | Promise<Llama>,
): Promise<ModelFileEstimate> {
  if (server.kind === 'asr-ocr') {
    if (model.type === 'ocr') return { estimate: estimateOcr() };
    const { hparams, fileBytes } = await readWhisperFile(model.file!);
    return { estimate: estimateWhisper(hparams, fileBytes), fileBytes };
  }
  const fileBytes = (await checkLlmFile(model.file!)).fileSize;
  return { estimate: await estimateGgufOnce(model.file!, fileBytes, llama, server), fileBytes };
}

async function estimateGgufOnce(
  file: string,
  fileBytes: number,
  llama: Llama | Promise<Llama> | undefined,
  server: BuiltinServerConfig,
): Promise<MemoryEstimate> {
  const identity = fileIdentity(file);
  const key = `${identity}:${server.mmap}:${server.contextSize}:${server.parallel}`;
  const known = ggufEstimates.get(file);
  if (identity !== undefined && known?.key === key) return known.estimate;
  const runtime = await llama; // a runtime that failed to start fails the attempt; nothing is remembered
  const estimate = estimateGguf(file, fileBytes, runtime, server).catch(() => ({
    bytes: fileBytes + FALLBACK_CONTEXT_BYTES,
    parts: { weights: fileBytes, context: FALLBACK_CONTEXT_BYTES },
  }));
  if (identity !== undefined) ggufEstimates.set(file, { key, estimate });
  return estimate;
}
