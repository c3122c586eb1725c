import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { whisperShapeForSize, whisperTensors, writeDemoWhisper } from '../../../../src/models/demo-whisper.js';
import { expectedTensorCount } from '../../../../common/formats/whisper/format.js';
import { checkWhisperFile, readWhisperFile } from '../../../../common/formats/whisper/read.js';
import { expectedWhisperTensors } from '../../../../common/formats/whisper/tensors.js';
import { writeWhisperMutant } from '../../../../bench/mutants/whisper-mutants.js';
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

  it('returns the hyper-parameters and the size of the file it walked (no second stat)', async () => {
    const file = join(dir, 'w.bin');
    const checked = await readWhisperFile(file);
    expect(checked.fileBytes).toBe(readFileSync(file).length);
    expect(checked.hparams).toEqual(await checkWhisperFile(file));
    expect(checked.hparams).toMatchObject({ n_vocab: 51864, n_mels: 80 });
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

describe('whisper file check: tensor records against the hyper-parameters', () => {
  const verdict = async (id: string) => {
    const file = join(dir, `${id.replace(/[^a-z0-9]+/gi, '_')}.bin`);
    await writeWhisperMutant(file, id);
    return reason(file);
  };

  it('refuses a hyper-parameter that would make whisper.cpp allocate terabytes before it compares shapes', async () => {
    expect(await verdict('hparam:n_text_ctx=2147483647')).toBe(
      'tensor decoder.positional_embedding is 32×448, the hyper-parameters make it 32×2147483647',
    );
    expect(await verdict('hparam:n_vocab=51865')).toBe(
      'tensor decoder.token_embedding.weight is 32×51864, the hyper-parameters make it 32×51865',
    );
  });

  it('refuses a record whose type is not the one ftype makes whisper.cpp read', async () => {
    expect(await verdict('tensor:encoder.blocks.0.attn.query.weight type=BF16')).toBe(
      'tensor encoder.blocks.0.attn.query.weight is BF16, ftype 1 makes whisper.cpp read it as F16',
    );
    expect(await verdict('hparam:ftype=0')).toBe(
      'tensor encoder.conv1.weight is F16, ftype 0 makes whisper.cpp read it as F32',
    );
  });

  it('refuses unknown names and dimensions below 1', async () => {
    expect(await verdict('tensor:decoder.ln.bias renamed')).toBe(
      'tensor decoder.ln.biass is not one whisper.cpp knows',
    );
    expect(await verdict('tensor:encoder.conv1.weight dim1=-80')).toBe(
      'tensor encoder.conv1.weight has a dimension below 1: 3×-80×32',
    );
  });

  it('accepts consistent variants whisper.cpp runs: trailing 1s, 128 mels, other contexts, head counts', async () => {
    for (const id of [
      'tensor:decoder.ln.bias dims=32x1',
      'consistent:n_mels=128',
      'consistent:n_text_ctx=16',
      'consistent:n_audio_ctx=750',
      'consistent:n_vocab=51866',
      'hparam:n_text_head=8',
      'hparam:ftype=1001',
    ])
      expect(await verdict(id), id).toBe('accepted');
  });

  it('expects exactly the tensors the demo model writes', () => {
    const h = { n_vocab: 51864, n_audio_ctx: 1500, n_audio_state: 32, n_audio_head: 1, n_audio_layer: 1 };
    const expected = expectedWhisperTensors({
      ...h,
      n_text_ctx: 448,
      n_text_state: 32,
      n_text_head: 1,
      n_text_layer: 1,
      n_mels: 80,
      ftype: 1,
    });
    const written = whisperTensors(whisperShapeForSize(0), 'a');
    expect(written.map((t) => t.name).sort()).toEqual([...expected.keys()].sort());
    for (const t of written) expect({ dims: t.dims, type: t.type }, t.name).toEqual(expected.get(t.name));
  });
});
