import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_VOCAB, shapeForSize, writeDemoLlama } from '../../src/models/demo-llama.js';
import { sha256File } from '../../src/models/file-ops.js';
import { checkLlmHeader } from '../../common/formats/gguf/check.js';
import { readGgufHeader } from '../../common/formats/gguf/read.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

describe('demo llama models: GGUF writer and reader', () => {
  it('writes a GGUF v3 file the reader parses back, metadata and tensors intact', async () => {
    const file = join(dir, 'demo.gguf');
    const bytes = await writeDemoLlama(file, { name: 'demo', bytes: 1_000_000, seed: 'x' });
    const h = await readGgufHeader(file);
    expect(readFileSync(file).subarray(0, 4).toString()).toBe('GGUF');
    expect(h.version).toBe(3);
    expect(h.fileSize).toBe(bytes);
    expect(h.metadata.get('general.architecture')).toBe('llama');
    expect(h.metadata.get('tokenizer.ggml.tokens')).toEqual(DEMO_VOCAB);
    expect(h.metadata.get('llama.context_length')).toBeGreaterThanOrEqual(256);
    const shape = shapeForSize(1_000_000);
    expect(h.tensors).toHaveLength(2 + 9 * shape.blocks);
    expect(h.tensors[0]).toMatchObject({
      name: 'token_embd.weight',
      dims: [shape.embedding, DEMO_VOCAB.length],
      offset: 0,
    });
    expect(h.dataOffset % 32).toBe(0);
    expect(h.tensors.every((t) => t.offset % 32 === 0)).toBe(true);
    expect(checkLlmHeader(h)).toBe(h);
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const [a, b, c] = ['a1', 'a2', 'c'].map((n) => join(dir, `${n}.gguf`));
    await writeDemoLlama(a!, { name: 'm', bytes: 300_000, seed: 'same' });
    await writeDemoLlama(b!, { name: 'm', bytes: 300_000, seed: 'same' });
    await writeDemoLlama(c!, { name: 'm', bytes: 300_000, seed: 'other' });
    expect(await sha256File(a!)).toBe(await sha256File(b!));
    expect(await sha256File(a!)).not.toBe(await sha256File(c!));
  });

  it('lands near the requested size at realistic sizes', () => {
    for (const target of [2e6, 50e6, 200e6, 1e9]) {
      const s = shapeForSize(target);
      const params =
        s.embedding * DEMO_VOCAB.length + s.blocks * (4 * s.embedding ** 2 + 3 * s.embedding * s.feedForward);
      expect((params * 2) / target).toBeGreaterThan(0.6);
      expect((params * 2) / target).toBeLessThan(1.4);
    }
  });

  it('writes f16 weights with no inf or NaN', async () => {
    const file = join(dir, 'finite.gguf');
    await writeDemoLlama(file, { name: 'f', bytes: 300_000, seed: 's' });
    const h = await readGgufHeader(file);
    const t = h.tensors.find((x) => x.name === 'blk.0.attn_q.weight')!;
    const data = readFileSync(file).subarray(h.dataOffset + t.offset, h.dataOffset + t.offset + 4096);
    for (let i = 0; i < data.length; i += 2) expect((data.readUInt16LE(i) >> 10) & 0x1f).toBeLessThan(0x1f);
  });
});
