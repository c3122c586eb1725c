import { truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { llamaMetadata, llamaTensors, shapeForSize, writeDemoLlama } from '../../../../src/models/demo-llama.js';
import { writeGguf } from '../../../../common/formats/gguf/write.js';
import { checkLlmHeader } from '../../../../common/formats/gguf/check.js';
import { readGgufHeader } from '../../../../common/formats/gguf/read.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();

describe('GGUF header check refuses what would break llama.cpp', () => {
  const base = join(dir, 'base.gguf');
  const variant = async (name: string, change: (file: string) => void | Promise<void>) => {
    await writeDemoLlama(base, { name: 'b', bytes: 300_000, seed: 'b' });
    const file = join(dir, name);
    copyFileSync(base, file);
    await change(file);
    return file;
  };
  const reason = async (file: string) =>
    readGgufHeader(file)
      .then(checkLlmHeader)
      .then(
        () => 'accepted',
        (e: Error) => e.message,
      );

  it('a missing file', async () => expect(await reason(join(dir, 'nope.gguf'))).toMatch(/file not found/));
  it('an empty file', async () =>
    expect(await reason(await variant('empty.gguf', (f) => truncateSync(f, 0)))).toBe('file is empty (0 bytes)'));
  it('wrong magic', async () =>
    expect(await reason(await variant('magic.gguf', (f) => writeFileSync(f, 'GGML not a model')))).toMatch(
      /wrong magic/,
    ));
  it('a truncated file', async () => {
    expect(await reason(await variant('trunc.gguf', (f) => truncateSync(f, 200_000)))).toMatch(
      /^truncated: tensor .* ends at byte \d+, file has 200000$/,
    );
  });
  it('a header cut in the metadata', async () =>
    expect(await reason(await variant('cut.gguf', (f) => truncateSync(f, 100)))).toMatch(
      /^truncated: needs byte 1\d\d, file has 100$/,
    ));
  it('a header without feed_forward_length or head_count', async () => {
    const file = join(dir, 'nokeys.gguf');
    const shape = shapeForSize(300_000);
    const meta = llamaMetadata('n', shape);
    delete meta['llama.feed_forward_length'];
    delete meta['llama.attention.head_count'];
    await writeGguf(file, meta, llamaTensors(shape, 's'));
    expect(await reason(file)).toBe(
      'metadata llama.feed_forward_length, llama.attention.head_count missing (llama.cpp would abort on it)',
    );
  });
});
