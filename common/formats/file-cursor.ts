// Reading model files defensively: open with a clear reason, read front to back through a window, never past the end.
import { open, type FileHandle } from 'node:fs/promises';

type ErrorClass = new (message: string) => Error;

/** Bytes read from the file at once: a header's many small fields come from memory, not one read(2) each. */
const WINDOW = 1 << 20;

/** Opens a model file and hands it over with its size; missing and empty files become errors of `Err` with a reason. */
export async function withModelFile<T>(
  path: string,
  Err: ErrorClass,
  fn: (fh: FileHandle, size: number) => Promise<T>,
): Promise<T> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Err(code === 'ENOENT' ? 'file not found (run `modelctl pull`)' : `cannot open: ${code}`);
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) throw new Err('file is empty (0 bytes)');
    return await fn(fh, size);
  } finally {
    await fh.close();
  }
}

/**
 * A read position over a file and the window of bytes around it. `take` serves from the window synchronously, so a
 * loop over 150k vocabulary entries awaits only when the window runs out: `c.take(n) ?? (await c.need(n))`.
 */
export class FileCursor {
  pos = 0;
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly Err: ErrorClass,
  ) {}

  /** The next `n` bytes when the window holds them (no read, no await); undefined when `need` must read first. */
  take(n: number): Buffer | undefined {
    const at = this.claim(n);
    return at < 0 ? undefined : this.buf.subarray(at, at + n);
  }

  /** `take` without a Buffer per call (for loops over 100k items): the next `n` bytes' offset in `window`, or -1. */
  claim(n: number): number {
    const at = this.pos - this.bufStart;
    if (at < 0 || at + n > this.buf.length) return -1;
    this.pos += n;
    return at;
  }

  /** The bytes `claim` gives offsets into; valid until the next `need`. */
  get window(): Buffer {
    return this.buf;
  }

  /** The next `n` bytes, reading a new window when needed; reading past the end is a "truncated" error. */
  async need(n: number): Promise<Buffer> {
    const held = this.take(n);
    if (held) return held;
    if (this.pos + n > this.size) throw this.truncated(this.pos + n);
    const len = Math.min(Math.max(n, WINDOW), this.size - this.pos);
    const buf = Buffer.alloc(len);
    const { bytesRead } = await this.fh.read(buf, 0, len, this.pos);
    // A file cut while we read it: fewer bytes than its size said.
    if (bytesRead < n) throw this.truncated(this.pos + n, this.pos + bytesRead);
    this.buf = buf.subarray(0, bytesRead);
    this.bufStart = this.pos;
    return this.take(n)!;
  }

  /** Moves past `n` bytes without reading them, still refusing to pass the end. */
  skip(n: number): void {
    if (this.pos + n > this.size) throw this.truncated(this.pos + n);
    this.pos += n;
  }

  async u32() {
    return (this.take(4) ?? (await this.need(4))).readUInt32LE(0);
  }
  async i32() {
    return (this.take(4) ?? (await this.need(4))).readInt32LE(0);
  }

  private truncated(needs: number, has = this.size): Error {
    return new this.Err(`truncated: needs byte ${needs}, file has ${has}`);
  }
}
