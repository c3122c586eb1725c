// Reads model files into the page cache while the runtime starts, so that on a cold disk a cold start costs about the
// larger of the runtime's start and the reading, not their sum: the engines then load from memory. Two readers at
// once (measured on this machine: one 603 ms, two 484 ms, three 476 ms for 3 × 200 MB from a cold cache). A file
// already in the cache is seen at once (its first and last chunk arrive faster than any disk) and skipped, so a warm
// start spends next to nothing here. Only what fits comfortably in free memory is read ahead.
import { open, stat } from 'node:fs/promises';
import { readMemory } from '../../../common/memory/system.js';
import { readThrough } from './read-through.js';

export const PREFETCH_READERS = 2;
/** What is read to tell a cached file from one on disk: small, so a warm start copies next to nothing. */
const PROBE = 1 << 20;
/** Faster than this, a chunk came from memory, not from a disk. */
const CACHED_BYTES_PER_S = 4e9;

/** Whether the file's first and last MiB both come back faster than a disk gives them. */
async function isCached(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const probe = Buffer.allocUnsafe(Math.min(PROBE, Math.max(1, size)));
    const timedRead = async (position: number) => {
      const t = performance.now();
      const { bytesRead } = await fh.read(probe, 0, Math.min(probe.length, size - position), position);
      return bytesRead / Math.max(1e-6, (performance.now() - t) / 1000);
    };
    const [head, tail] = [await timedRead(0), await timedRead(Math.max(0, size - probe.length))];
    return head > CACHED_BYTES_PER_S && tail > CACHED_BYTES_PER_S;
  } finally {
    await fh.close();
  }
}

/**
 * Reads `files` (in the order they will load) ahead, `readers` at a time, stopping at half of MemAvailable. Never
 * throws: a file it cannot read is the load's to report. An abort stops it between chunks; the promise then settles
 * once no read of its own is left in flight (a stopping server waits for that before it exits).
 */
export async function prefetch(files: string[], signal?: AbortSignal, readers = PREFETCH_READERS): Promise<void> {
  let room = readMemory().availableBytes / 2;
  const queue: string[] = [];
  for (const file of files) {
    if (signal?.aborted) return;
    // Regular files only: a FIFO or device is not read ahead (its reader is the load).
    const size = await stat(file).then(
      (s) => (s.isFile() ? s.size : 0),
      () => 0,
    );
    if (size === 0 || size > room) continue;
    room -= size;
    queue.push(file);
  }
  const readAhead = async (file: string) => {
    if (!(await isCached(file))) await readThrough(file, () => {}, signal);
  };
  await Promise.all(
    Array.from({ length: readers }, async () => {
      for (let file = queue.shift(); file && !signal?.aborted; file = queue.shift()) {
        await readAhead(file).catch(() => undefined);
      }
    }),
  );
}
