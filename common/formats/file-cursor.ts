// Reading model files defensively: open with a clear reason, read front to back through a window, never past the end.
import { open, type FileHandle } from 'node:fs/promises';

type ErrorClass = new (message: string) => Error;

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

export class FileCursor {
  pos = 0;
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly Err: ErrorClass,
  ) {}

  /** The next `n` bytes; reading past the end is a "truncated" error. */
  async need(n: number): Promise<Buffer> {
    if (this.pos + n > this.size) throw new this.Err(`truncated: needs byte ${this.pos + n}, file has ${this.size}`);
    const end = this.bufStart + this.buf.length;
    if (this.pos < this.bufStart || this.pos + n > end) {
      const len = Math.min(Math.max(n, 1 << 20), this.size - this.pos);
      this.buf = Buffer.alloc(len);
      await this.fh.read(this.buf, 0, len, this.pos);
      this.bufStart = this.pos;
    }
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  /** Moves past `n` bytes without reading them, still refusing to pass the end. */
  skip(n: number): void {
    if (this.pos + n > this.size) throw new this.Err(`truncated: needs byte ${this.pos + n}, file has ${this.size}`);
    this.pos += n;
  }

  async u32() {
    return (await this.need(4)).readUInt32LE(0);
  }
  async i32() {
    return (await this.need(4)).readInt32LE(0);
  }
}
