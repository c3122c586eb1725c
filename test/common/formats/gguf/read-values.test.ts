import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValueType, type MetadataValue } from '../../../../common/formats/gguf/format.js';
import { checkLlmFile } from '../../../../common/formats/gguf/check.js';
import { readGgufHeader, UnreadArray } from '../../../../common/formats/gguf/read.js';
import { encodeHeader } from '../../../../common/formats/gguf/write.js';
import { llamaMetadata, type LlamaShape } from '../../../../src/models/demo-llama.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();
const tensor = { name: 't.weight', dims: [32], type: 0 };

/** A header alone, the file extended (sparsely) to hold its tensors' data. */
function writeHeader(name: string, metadata: Record<string, MetadataValue>, tensors = [tensor], dataBytes = 128) {
  const file = join(dir, name);
  const header = encodeHeader(metadata, tensors);
  writeFileSync(file, header);
  truncateSync(file, header.length + dataBytes);
  return { file, header };
}

const arr = (itemType: ValueType, value: Array<string | number | bigint | boolean>): MetadataValue => ({
  type: ValueType.ARRAY,
  itemType,
  value,
});

describe('GGUF reader: values come back exactly as written', () => {
  it('every value type, and arrays whose items straddle the 1 MiB read window', async () => {
    const words = Array.from({ length: 60_000 }, (_, i) => `w${i}\u00e9`.repeat(1 + (i % 3)));
    const metadata: Record<string, MetadataValue> = {
      u8: { type: ValueType.UINT8, value: 200 },
      i8: { type: ValueType.INT8, value: -100 },
      u16: { type: ValueType.UINT16, value: 60_000 },
      i16: { type: ValueType.INT16, value: -30_000 },
      u32: { type: ValueType.UINT32, value: 4_000_000_000 },
      i32: { type: ValueType.INT32, value: -2_000_000_000 },
      f32: { type: ValueType.FLOAT32, value: 0.5 },
      f64: { type: ValueType.FLOAT64, value: Math.PI },
      bool: { type: ValueType.BOOL, value: true },
      u64: { type: ValueType.UINT64, value: 2n ** 63n + 5n },
      i64: { type: ValueType.INT64, value: -(2n ** 62n) },
      text: { type: ValueType.STRING, value: 'héllo' },
      words: arr(ValueType.STRING, words),
      // Longer than the window: read in one piece of its own.
      long: { type: ValueType.STRING, value: 'x'.repeat(1_500_000) },
      ints: arr(
        ValueType.INT32,
        words.map((_, i) => i - 30_000),
      ),
      floats: arr(ValueType.FLOAT32, [0.25, -1, 3.5]),
      u64s: arr(ValueType.UINT64, [1n, 2n ** 40n]),
      bools: arr(ValueType.BOOL, [true, false, true]),
      bytes: arr(ValueType.UINT8, [0, 255, 7]),
      empty: arr(ValueType.STRING, []),
      'tokenizer.ggml.merges': arr(ValueType.STRING, ['a b', 'c d', 'e f']),
    };
    const { file, header } = writeHeader('values.gguf', metadata);
    const h = await readGgufHeader(file);
    const expected = Object.entries(metadata).map(([k, v]): [string, unknown] => [k, v.value]);
    expected[expected.length - 1] = ['tokenizer.ggml.merges', new UnreadArray(ValueType.STRING, 3)];
    expect([...h.metadata]).toEqual(expected);
    expect(h.tensors).toEqual([{ ...tensor, offset: 0 }]);
    expect(h.dataOffset).toBe(header.length);
  });

  it('a 152k-token vocabulary with its token types and merges: all read, merges walked without decoding', async () => {
    const vocab = 151_936;
    const tokens = Array.from({ length: vocab }, (_, i) => (i % 3 ? '\u0120' : '') + i.toString(36));
    const shape: LlamaShape = { embedding: 64, blocks: 1, feedForward: 192, heads: 1, contextLength: 4096 };
    const metadata = llamaMetadata('big', shape);
    delete metadata['tokenizer.ggml.scores'];
    metadata['tokenizer.ggml.model'] = { type: ValueType.STRING, value: 'gpt2' };
    metadata['tokenizer.ggml.tokens'] = arr(ValueType.STRING, tokens);
    metadata['tokenizer.ggml.token_type'] = arr(
      ValueType.INT32,
      tokens.map((_, i) => (i < 3 ? 3 : 1)),
    );
    metadata['tokenizer.ggml.merges'] = arr(
      ValueType.STRING,
      tokens.map((t) => `${t} x`),
    );
    const tensors = [
      { name: 'token_embd.weight', dims: [64, vocab], type: 1 },
      { name: 'output_norm.weight', dims: [64], type: 0 },
    ];
    const { file } = writeHeader('vocab.gguf', metadata, tensors, 64 * vocab * 2 + 256);
    const h = await checkLlmFile(file);
    expect(h.metadata.get('tokenizer.ggml.tokens')).toEqual(tokens);
    expect(h.metadata.get('tokenizer.ggml.token_type')).toEqual(tokens.map((_, i) => (i < 3 ? 3 : 1)));
    expect(h.metadata.get('tokenizer.ggml.merges')).toEqual(new UnreadArray(ValueType.STRING, vocab));
    expect(h.tensors.map((t) => t.name)).toEqual(['token_embd.weight', 'output_norm.weight']);
  });

  it('a cut or a bad length inside an array is reported as before, read from the window or not', async () => {
    const words = Array.from({ length: 100_000 }, (_, i) => `word${i}`);
    const { file, header } = writeHeader('cut.gguf', { words: arr(ValueType.STRING, words) });
    // Cut in the middle of the 50 000th word, well inside the first window.
    const at = header.indexOf('word50000') + 4;
    truncateSync(file, at);
    await expect(readGgufHeader(file)).rejects.toThrow(`truncated: needs byte ${at + 5}, file has ${at}`);

    const bad = Buffer.from(header);
    bad.writeBigUInt64LE(2n ** 50n, header.indexOf('word70000') - 8);
    writeFileSync(file, bad);
    await expect(readGgufHeader(file)).rejects.toThrow(`implausible words length: ${2n ** 50n}`);

    const merges = encodeHeader({ 'tokenizer.ggml.merges': arr(ValueType.STRING, words) }, [tensor]);
    writeFileSync(file, merges.subarray(0, merges.indexOf('word99999')));
    await expect(readGgufHeader(file)).rejects.toThrow(/^truncated: needs byte \d+, file has \d+$/);
  });
});
