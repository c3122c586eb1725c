import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { whisperShapeForSize, whisperTensors, writeDemoWhisper } from '../../src/models/demo-whisper.js';
import { expectedTensorCount } from '../../common/formats/whisper/format.js';
import { checkWhisperFile } from '../../common/formats/whisper/read.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

describe('demo whisper models', () => {
  it('writes every tensor whisper.cpp expects, and the check walks the file to its end', async () => {
    const file = join(dir, 'w.bin');
    const bytes = await writeDemoWhisper(file, { seed: 'a' });
    expect(bytes).toBeGreaterThan(3_000_000);
    expect(bytes).toBeLessThan(5_000_000);
    const h = await checkWhisperFile(file);
    expect(h).toMatchObject({
      n_vocab: 51864,
      n_audio_ctx: 1500,
      n_audio_state: 32,
      n_audio_layer: 1,
      n_text_layer: 1,
      n_mels: 80,
      ftype: 1,
    });
    expect(whisperTensors(whisperShapeForSize(0), 'a')).toHaveLength(expectedTensorCount(h));
  });

  it('keeps writing the same bytes for a seed: models made before are still the same model', async () => {
    const file = join(dir, 'pinned.bin');
    expect(await writeDemoWhisper(file, { seed: 'a' })).toBe(4_170_025);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(
      'e2daabcfe600af678e511dfa363b5c5f0c4a3dd6f66afcce47b043220b6a8d22',
    );
  });

  it('is deterministic per seed and grows with the requested size', async () => {
    await writeDemoWhisper(join(dir, 'a1.bin'), { seed: 's' });
    await writeDemoWhisper(join(dir, 'a2.bin'), { seed: 's' });
    expect(readFileSync(join(dir, 'a1.bin')).equals(readFileSync(join(dir, 'a2.bin')))).toBe(true);
    const big = whisperShapeForSize(80_000_000);
    expect(big.state).toBeGreaterThanOrEqual(256);
    expect(big.state % big.heads).toBe(0);
  });
});
