// `<file>.part`: the bytes of an unfinished download and their running sha256. The hash only ever covers bytes the
// file holds, so a retry resumes both where the file ends, and a finished download needs no second read to verify.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { fileSize } from './file-ops.js';

/** Where the download of `file` collects its bytes until they are verified. */
export const partPathOf = (file: string): string => `${file}.part`;

/** A `.part` file and the hash of the bytes it holds. */
export interface PartFile {
  path: string;
  /** Bytes in the file, all of them hashed. */
  bytes: number;
  hash: Hash;
  /** The server sent the whole file again: what an earlier run left was thrown away. */
  restarted?: boolean;
}

/** The part left by an earlier run, hashed once (read from disk); one longer than the whole file starts over. */
export async function openPart(path: string, wholeSize?: number): Promise<PartFile> {
  let bytes = (await fileSize(path)) ?? 0;
  if (wholeSize !== undefined && bytes > wholeSize) {
    await rm(path, { force: true });
    bytes = 0;
  }
  const hash = createHash('sha256');
  if (bytes > 0) for await (const chunk of createReadStream(path, { end: bytes - 1 })) hash.update(chunk as Buffer);
  return { path, bytes, hash };
}

/** Forgets the part's bytes: the next writer truncates the file. */
export function restartPart(part: PartFile): void {
  part.bytes = 0;
  part.hash = createHash('sha256');
  part.restarted = true;
}

/**
 * A stream that appends to the part and hashes each chunk once it is written. `closed` settles after the file is
 * closed, so a retry never opens the part while a write is still in flight.
 */
export function partWriter(part: PartFile, onBytes: () => void): { stream: Writable; closed: Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  // Writes land at `part.bytes` exactly: bytes of a write that failed half-way (ENOSPC) are cut off first.
  const opening = async () => {
    const fh = await open(part.path, part.bytes > 0 ? 'r+' : 'w');
    await fh.truncate(part.bytes);
    return fh;
  };
  const fileHandle = () => (handle ??= opening());
  const append = async (data: Buffer) => {
    const fh = await fileHandle();
    for (let at = 0; at < data.length;)
      at += (await fh.write(data, at, data.length - at, part.bytes + at)).bytesWritten;
    part.hash.update(data);
    part.bytes += data.length;
    onBytes();
  };
  const close = async () => {
    if (handle) await (await handle.catch(() => undefined))?.close();
    closedResolve();
  };
  const stream = new Writable({
    highWaterMark: 1 << 20,
    writev(chunks, cb) {
      append(Buffer.concat(chunks.map((c) => c.chunk as Buffer))).then(() => cb(), cb);
    },
    final(cb) {
      fileHandle().then(() => cb(), cb);
    },
    destroy(err, cb) {
      close().then(
        () => cb(err),
        (e: Error) => cb(err ?? e),
      );
    },
  });
  return { stream, closed };
}
