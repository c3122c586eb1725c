import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BuiltinServerConfig } from '../../../common/config/types.js';
import { checkWhisperFile, readWhisperFile } from '../../../common/formats/whisper/read.js';
import type { LoadWatch } from '../../../servers/core/engine.js';
import { ModelRecord } from '../../../servers/core/model-states.js';
import { createAsrOcrEngine } from '../../../servers/asr-ocr/engine.js';
import type { AsrOcrHandle } from '../../../servers/asr-ocr/handle.js';
import { loadWhisper } from '../../../servers/asr-ocr/whisper.js';
import { writeDemoWhisper } from '../../../src/models/demo-whisper.js';
import { stageWith } from '../../helpers/models.js';
import { tempDir } from '../../helpers/tmp.js';

// No native runtime: whisper.cpp's module and the load after the check stand in.
vi.mock('@fugood/whisper.node', () => ({
  loadWhisperModule: async () => {},
  addNativeLogListener: () => {},
  toggleNativeLog: async () => {},
}));
vi.mock('../../../servers/asr-ocr/whisper.js', () => ({
  loadWhisper: vi.fn(async () => ({ transcribe: vi.fn(), close: async () => {} })),
}));
vi.mock('../../../common/formats/whisper/read.js', { spy: true });

const dir = tempDir();
const file = join(dir, 'speech.bin');
const server = { kind: 'asr-ocr', parallel: 1, threads: 1, models: [{ name: 'speech', type: 'asr', file }] };
const watch: LoadWatch = { signal: new AbortController().signal, progress: () => {}, queue: (p) => p };

beforeAll(() => writeDemoWhisper(file, { seed: 's' }));
beforeEach(() => vi.clearAllMocks());

describe('ASR engine: a whisper file is walked once per attempt', () => {
  const engine = createAsrOcrEngine(server as BuiltinServerConfig);
  const record = () =>
    ModelRecord.of<AsrOcrHandle>({ name: 'speech', type: 'asr', file, required: true }, 0, stageWith());

  it("the estimate's check spares the load its own; its size comes from the check", async () => {
    const m = record();
    const estimate = await engine.estimate!(m);
    expect(estimate.parts.weights).toBe((await readWhisperFile(file)).fileBytes);
    vi.clearAllMocks();
    await engine.load(m, 1, watch);
    expect(checkWhisperFile).not.toHaveBeenCalled();
    expect(readWhisperFile).not.toHaveBeenCalled();
    expect(loadWhisper).toHaveBeenCalledTimes(1);
  });

  it('a load without an estimate (no memory gate) checks the file itself, every attempt', async () => {
    const m = record();
    await engine.load(m, 1, watch);
    await engine.load(m, 2, watch);
    expect(checkWhisperFile).toHaveBeenCalledTimes(2);
  });

  it('a file the check refuses fails the load before whisper.cpp sees it', async () => {
    const m = ModelRecord.of<AsrOcrHandle>(
      { name: 'gone', type: 'asr', file: join(dir, 'gone.bin'), required: true },
      0,
      stageWith(),
    );
    await expect(engine.load(m, 1, watch)).rejects.toThrow(/gone\.bin: file not found/);
    expect(loadWhisper).not.toHaveBeenCalled();
  });
});
