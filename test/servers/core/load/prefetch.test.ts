// Prefetch against the real page cache: a file evicted from it is resident after prefetch (fincore tells), and what
// must not be read ahead (a FIFO, whose open would block; a missing or empty file) is skipped without a hang or throw,
// and an abort ends the reading early.
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prefetch } from '../../../../servers/core/load/prefetch.js';
import { evictFromCache } from '../../../../src/models/page-cache.js';
import { needs, TOOLS } from '../../../helpers/needs.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();
const MiB = 2 ** 20;

/** Bytes of `file` in the page cache now. */
const resident = (file: string) =>
  Number(execFileSync('fincore', ['--bytes', '--raw', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' }));

function randomFile(name: string, bytes: number): string {
  const file = join(dir, name);
  writeFileSync(file, randomFillSync(Buffer.alloc(bytes)));
  return file;
}

describe('prefetch', () => {
  it('brings evicted model files back into the page cache', async (ctx) => {
    await needs(ctx, TOOLS.fincore);
    const files = [randomFile('a.bin', 48 * MiB), randomFile('b.bin', 48 * MiB), randomFile('c.bin', 16 * MiB)];
    await evictFromCache(files);
    for (const f of files) expect(resident(f), `${f} evicted`).toBeLessThan(4 * MiB);
    await prefetch(files);
    // The probe skips nothing of a cold file: everything but a page or two is read.
    for (const f of files)
      expect(resident(f), `${f} read ahead`).toBeGreaterThan(0.95 * (f.endsWith('c.bin') ? 16 : 48) * MiB);
  });

  it('skips a FIFO, a missing file and an empty one, and still reads the rest', async (ctx) => {
    await needs(ctx, TOOLS.fincore);
    const fifo = join(dir, 'dead-mount.gguf');
    execFileSync('mkfifo', [fifo]);
    const empty = join(dir, 'empty.gguf');
    writeFileSync(empty, '');
    const real = randomFile('real.bin', 16 * MiB);
    await evictFromCache([real]);
    await prefetch([fifo, join(dir, 'missing.gguf'), empty, real]);
    expect(resident(real)).toBeGreaterThan(15 * MiB);
  });

  it('stops at the next chunk when aborted and reads no further file (a stopping server waits for it)', async (ctx) => {
    await needs(ctx, TOOLS.fincore);
    const [first, second] = [randomFile('first.bin', 160 * MiB), randomFile('second.bin', 160 * MiB)];
    await evictFromCache([first, second]);
    const stop = new AbortController();
    const reading = prefetch([first, second], stop.signal, 1);
    while (resident(first) < 8 * MiB) await new Promise((r) => setTimeout(r, 5));
    stop.abort();
    await reading;
    expect(resident(first)).toBeLessThan(120 * MiB);
    expect(resident(second)).toBeLessThan(4 * MiB);
  });
});
