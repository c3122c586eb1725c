import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuiltinServerConfig } from '../../../common/config/types.js';
import { checkLlmFile } from '../../../common/formats/gguf/check.js';
import { estimateGguf } from '../../../common/memory/gguf.js';
import type { LoadWatch } from '../../../servers/core/engine.js';
import { ModelRecord } from '../../../servers/core/model-states.js';
import { createLlmEngine } from '../../../servers/llm/engine.js';
import type { LlmHandle } from '../../../servers/llm/handle.js';
import { writeDemoLlama } from '../../../src/models/demo-llama.js';
import { stageWith } from '../../helpers/models.js';
import { tempDir } from '../../helpers/tmp.js';

// No native runtime: a fake instance whose model loads at once, and node-llama-cpp's estimate stood in.
const loadModel = vi.fn(async () => ({
  trainContextSize: 2048,
  createContext: async () => ({ getSequence: () => ({}), dispose: async () => {} }),
  dispose: async () => {},
}));
vi.mock('node-llama-cpp', () => ({}));
vi.mock('../../../servers/llm/runtime.js', () => ({ createRuntime: async () => ({ loadModel }) }));
vi.mock('../../../common/memory/gguf.js', () => ({
  estimateGguf: vi.fn(async () => ({ bytes: 7, parts: { kv: 7 } })),
}));
vi.mock('../../../common/formats/gguf/check.js', { spy: true });

const dir = tempDir();
const file = join(dir, 'chat.gguf');
const server = {
  kind: 'llm',
  concurrency: 1,
  parallel: 1,
  threads: 1,
  contextSize: 2048,
  mmap: true,
  gpu: false,
  models: [{ name: 'chat', file }],
} as unknown as BuiltinServerConfig;
const watch: LoadWatch = { signal: new AbortController().signal, progress: vi.fn(), queue: (p) => p };

beforeAll(() => writeDemoLlama(file, { name: 'chat', bytes: 300_000, seed: 'e' }));
beforeEach(() => vi.clearAllMocks());

describe('LLM engine: the header is read once per attempt, node-llama-cpp asked once per file', () => {
  const engine = createLlmEngine(server);
  const record = () => ModelRecord.of<LlmHandle>({ name: 'chat', file, required: true }, 0, stageWith());

  it("the estimate's check gives the load its file size; a retry reuses the estimate", async () => {
    const m = record();
    expect(await engine.estimate!(m)).toEqual({ bytes: 7, parts: { kv: 7 } });
    await engine.load(m, 1, watch);
    expect(checkLlmFile).toHaveBeenCalledTimes(1);
    expect(loadModel).toHaveBeenCalledWith(expect.objectContaining({ modelPath: file }));
    await engine.estimate!(m);
    await engine.load(m, 2, watch);
    expect(checkLlmFile).toHaveBeenCalledTimes(2);
    expect(estimateGguf).toHaveBeenCalledTimes(1);
  });

  it('a load without an estimate checks the header itself and reports progress against the file size', async () => {
    const m = record();
    await engine.load(m, 1, watch);
    expect(checkLlmFile).toHaveBeenCalledTimes(1);
    const { onLoadProgress } = (loadModel.mock.calls[0] as unknown as [{ onLoadProgress: (f: number) => void }])[0];
    onLoadProgress(1);
    expect(watch.progress).toHaveBeenCalledWith(statSync(file).size, statSync(file).size);
  });

  it('a header the check refuses fails the attempt with the model, the file and the reason', async () => {
    const gone = ModelRecord.of<LlmHandle>(
      { name: 'gone', file: join(dir, 'gone.gguf'), required: true },
      0,
      stageWith(),
    );
    await expect(engine.estimate!(gone)).rejects.toThrow(`gone: ${join(dir, 'gone.gguf')}: file not found`);
    await expect(engine.load(gone, 1, watch)).rejects.toThrow(`gone: ${join(dir, 'gone.gguf')}: file not found`);
    expect(loadModel).not.toHaveBeenCalled();
  });
});
