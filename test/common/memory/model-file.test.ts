import { copyFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuiltinServerConfig } from '../../../common/config/types.js';
import { estimateGguf } from '../../../common/memory/gguf.js';
import { estimateModelFile } from '../../../common/memory/model-file.js';
import { estimateOcr, estimateWhisper } from '../../../common/memory/whisper.js';
import { checkWhisperFile } from '../../../common/formats/whisper/read.js';
import { writeDemoLlama } from '../../../src/models/demo-llama.js';
import { writeDemoWhisper } from '../../../src/models/demo-whisper.js';
import { tempDir } from '../../helpers/tmp.js';

// node-llama-cpp's estimate stands in: what is asked of it, and how often, is what these tests are about.
vi.mock('../../../common/memory/gguf.js', () => ({ estimateGguf: vi.fn() }));
const nodeLlamaEstimate = vi.mocked(estimateGguf);

const dir = tempDir();
const llm = { kind: 'llm', mmap: true, contextSize: 2048, parallel: 1 } as BuiltinServerConfig;
const asrOcr = { ...llm, kind: 'asr-ocr' } as BuiltinServerConfig;
const gguf = join(dir, 'chat.gguf');
const whisper = join(dir, 'w.bin');

beforeAll(async () => {
  await writeDemoLlama(gguf, { name: 'chat', bytes: 300_000, seed: 'c' });
  await writeDemoWhisper(whisper, { seed: 'w' });
});
beforeEach(() => {
  nodeLlamaEstimate.mockReset();
  nodeLlamaEstimate.mockResolvedValue({ bytes: 5, parts: { kv: 5 } });
});

describe('one model estimate for the servers and the plan', () => {
  it('checks a GGUF file, then asks node-llama-cpp once per file identity and settings', async () => {
    const file = join(dir, 'once.gguf');
    copyFileSync(gguf, file);
    const size = statSync(file).size;
    expect(await estimateModelFile(llm, { file })).toEqual({
      estimate: { bytes: 5, parts: { kv: 5 } },
      fileBytes: size,
    });
    await estimateModelFile(llm, { file });
    expect(nodeLlamaEstimate).toHaveBeenCalledTimes(1);
    await estimateModelFile({ ...llm, parallel: 2 }, { file });
    expect(nodeLlamaEstimate).toHaveBeenCalledTimes(2);
    // The same path, another file (a new inode): estimated again.
    copyFileSync(gguf, `${file}.new`);
    renameSync(`${file}.new`, file);
    await estimateModelFile({ ...llm, parallel: 2 }, { file });
    expect(nodeLlamaEstimate).toHaveBeenCalledTimes(3);
  });

  it('falls back to the file size and 64 MiB of context when node-llama-cpp cannot estimate', async () => {
    nodeLlamaEstimate.mockRejectedValue(new Error('unknown architecture'));
    const size = statSync(gguf).size;
    expect(await estimateModelFile(llm, { file: gguf }, Promise.resolve({} as never))).toEqual({
      estimate: { bytes: size + 64 * 2 ** 20, parts: { weights: size, context: 64 * 2 ** 20 } },
      fileBytes: size,
    });
  });

  it('refuses a file the check refuses before the runtime is awaited or node-llama-cpp asked', async () => {
    const runtimeDown = Promise.reject(new Error('runtime failed to start'));
    runtimeDown.catch(() => {});
    await expect(estimateModelFile(llm, { file: join(dir, 'none.gguf') }, runtimeDown)).rejects.toThrow(
      'file not found (run `modelctl pull`)',
    );
    expect(nodeLlamaEstimate).not.toHaveBeenCalled();
  });

  it('whisper: the weights are the file the check walked; OCR has no file', async () => {
    const size = statSync(whisper).size;
    expect(await estimateModelFile(asrOcr, { file: whisper, type: 'asr' })).toEqual({
      estimate: estimateWhisper(await checkWhisperFile(whisper), size),
      fileBytes: size,
    });
    expect(await estimateModelFile(asrOcr, { type: 'ocr' })).toEqual({ estimate: estimateOcr() });
  });
});
