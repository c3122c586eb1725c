import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemoWhisper } from '../../../../src/models/demo-whisper.js';
import { expectedTensorCount } from '../../../../common/formats/whisper/format.js';
import { checkWhisperFile } from '../../../../common/formats/whisper/read.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();
const reason = (file: string) =>
  checkWhisperFile(file).then(
    () => 'accepted',
    (e: Error) => e.message,
  );

describe('whisper file check', () => {
  // Every case is a change to one good demo file, made once for the whole file.
  beforeAll(() => writeDemoWhisper(join(dir, 'w.bin'), { seed: 'a' }));

  it('refuses a truncated file, which whisper.cpp itself would load as an empty model', async () => {
    copyFileSync(join(dir, 'w.bin'), join(dir, 'cut.bin'));
    truncateSync(join(dir, 'cut.bin'), 3_000_000);
    expect(await reason(join(dir, 'cut.bin'))).toMatch(/^truncated: tensor .* needs \d+ bytes, \d+ are left$/);
    truncateSync(join(dir, 'cut.bin'), 100_000);
    expect(await reason(join(dir, 'cut.bin'))).toMatch(/^truncated: needs byte/);
  });

  it('refuses wrong magic, empty files and a missing tensor', async () => {
    writeFileSync(join(dir, 'magic.bin'), 'GGUF not whisper');
    expect(await reason(join(dir, 'magic.bin'))).toBe('not a whisper.cpp ggml model (wrong magic bytes)');
    writeFileSync(join(dir, 'empty.bin'), '');
    expect(await reason(join(dir, 'empty.bin'))).toBe('file is empty (0 bytes)');
    const full = readFileSync(join(dir, 'w.bin'));
    const lastRecord = full.lastIndexOf(Buffer.from('decoder.blocks.0.cross_attn.out.bias')) - 4 * 4;
    writeFileSync(join(dir, 'short.bin'), full.subarray(0, lastRecord));
    const expected = expectedTensorCount({ n_audio_layer: 1, n_text_layer: 1 } as never);
    expect(await reason(join(dir, 'short.bin'))).toBe(
      `the file has ${expected - 1} tensors, whisper.cpp expects ${expected}`,
    );
  });

  it('refuses header values whisper.cpp would abort on or read out of bounds with', async () => {
    const full = readFileSync(join(dir, 'w.bin'));
    const patched = (name: string, offset: number, value: number) => {
      const b = Buffer.from(full);
      b.writeInt32LE(value, offset);
      writeFileSync(join(dir, name), b);
      return join(dir, name);
    };
    // Offsets: magic 0, hyper-parameters from 4 (n_vocab 4 … ftype 44), mel filter dims at 48 and 52.
    expect(await reason(patched('ftype.bin', 44, 5))).toBe('ftype 5 is not a weight type whisper.cpp knows');
    expect(await reason(patched('vocab.bin', 4, 1000))).toMatch(/^n_vocab 1000 is below 51864/);
    expect(await reason(patched('mels.bin', 48, 128))).toBe('mel filters are 128×201, expected 80×201');
  });

  it('refuses a duplicated tensor, which could hide a missing one from whisper.cpp', async () => {
    const full = readFileSync(join(dir, 'w.bin'));
    const name = Buffer.from('decoder.ln.bias');
    const at = full.indexOf(name) - 4 * 4;
    const record = full.subarray(at, at + 4 * 4 + name.length + 32 * 4);
    writeFileSync(join(dir, 'dup.bin'), Buffer.concat([full, record]));
    expect(await reason(join(dir, 'dup.bin'))).toBe('tensor decoder.ln.bias appears twice');
  });
});
