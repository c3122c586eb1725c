// Reads a whole file front to back, reporting bytes as they come and stopping when told: a file's data is then in the
// page cache, so the engine that loads it next reads memory, not disk (a load that reads its file first, and prefetch).
// A read that stops advancing is what a stall (a dead network mount, a slow disk) looks like.
import { open } from 'node:fs/promises';

const CHUNK = 8 << 20;

export async function readThrough(
  file: string,
  onBytes: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, size)));
    let done = 0;
    while (done < size) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - done), done);
      if (bytesRead === 0) break;
      done += bytesRead;
      onBytes(done, size);
    }
    return done;
  } finally {
    await fh.close();
  }
}
