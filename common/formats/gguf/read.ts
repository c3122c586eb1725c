// Reads and checks a GGUF header without llama.cpp: a file that would make llama.cpp abort the process is refused here
// first.
import { FileCursor, withModelFile } from '../file-cursor.js';
import { GGUF_MAGIC, GGUF_ALIGNMENT, ValueType, alignUp, tensorBytes, type TensorInfo } from './format.js';

/** Why a file is not a usable GGUF model; the message is the reason shown to users. */
export class GgufError extends Error {}

export interface GgufHeader {
  version: number;
  /** Every key's value as stored; the arrays in UNREAD_ARRAYS are an `UnreadArray`. */
  metadata: Map<string, unknown>;
  tensors: TensorInfo[];
  dataOffset: number;
  fileSize: number;
}

/**
 * Arrays no check reads the items of: walked (their bytes must still lie inside the file) but not decoded. The BPE
 * merges of a real vocabulary are 150k strings: decoding them took about 40% of the header's parse.
 */
const UNREAD_ARRAYS = new Set(['tokenizer.ggml.merges']);

/** An array the reader walked without decoding (UNREAD_ARRAYS): its item type and length remain. */
export class UnreadArray {
  constructor(
    readonly itemType: number,
    readonly length: number,
  ) {}
}

/** The fixed-size value types: bytes, and how to read one at an offset of a buffer. */
const FIXED: Partial<Record<number, readonly [number, (b: Buffer, at: number) => unknown]>> = {
  [ValueType.UINT8]: [1, (b, at) => b.readUInt8(at)],
  [ValueType.INT8]: [1, (b, at) => b.readInt8(at)],
  [ValueType.UINT16]: [2, (b, at) => b.readUInt16LE(at)],
  [ValueType.INT16]: [2, (b, at) => b.readInt16LE(at)],
  [ValueType.UINT32]: [4, (b, at) => b.readUInt32LE(at)],
  [ValueType.INT32]: [4, (b, at) => b.readInt32LE(at)],
  [ValueType.FLOAT32]: [4, (b, at) => b.readFloatLE(at)],
  [ValueType.BOOL]: [1, (b, at) => b.readUInt8(at) !== 0],
  [ValueType.UINT64]: [8, (b, at) => b.readBigUInt64LE(at)],
  [ValueType.INT64]: [8, (b, at) => b.readBigInt64LE(at)],
  [ValueType.FLOAT64]: [8, (b, at) => b.readDoubleLE(at)],
};

/**
 * GGUF's own encodings over the shared file cursor: u64 counts, length-prefixed strings, typed values. Array items
 * are decoded in place from the cursor's window: a 150k-entry vocabulary awaits once per window read, not per entry.
 */
class GgufCursor extends FileCursor {
  async u64(what: string) {
    return this.count(this.take(8) ?? (await this.need(8)), 0, what);
  }
  async string(what: string) {
    const len = await this.u64(`${what} length`);
    return (this.take(len) ?? (await this.need(len))).toString('utf8');
  }
  async value(type: number, key: string): Promise<unknown> {
    const fixed = FIXED[type];
    if (fixed) return fixed[1](this.take(fixed[0]) ?? (await this.need(fixed[0])), 0);
    if (type === ValueType.STRING) return this.string(key);
    if (type !== ValueType.ARRAY) throw new GgufError(`metadata ${key} has unknown value type ${type}`);
    const itemType = await this.u32();
    const count = await this.u64(`${key} item count`);
    return UNREAD_ARRAYS.has(key) ? this.walkItems(itemType, count, key) : this.items(itemType, count, key);
  }

  /** A u64 count or length: more than the file could hold is refused before anything is sized by it. */
  private count(b: Buffer, at: number, what: string): number {
    const v = b.readUInt32LE(at + 4) * 2 ** 32 + b.readUInt32LE(at);
    if (v > this.size * 8) throw new GgufError(`implausible ${what}: ${b.readBigUInt64LE(at)}`);
    return v;
  }

  private async items(type: number, count: number, key: string): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let i = 0; i < count; i++) items.push(this.itemNow(type, key) ?? (await this.value(type, key)));
    return items;
  }

  /** One item from the window; undefined, the position unchanged, when the window ends inside it (or it nests). */
  private itemNow(type: number, key: string): unknown {
    const fixed = FIXED[type];
    if (fixed) {
      const at = this.claim(fixed[0]);
      return at < 0 ? undefined : fixed[1](this.window, at);
    }
    if (type !== ValueType.STRING) return undefined;
    const start = this.pos;
    const lenAt = this.claim(8);
    if (lenAt >= 0) {
      const len = this.count(this.window, lenAt, `${key} length`);
      const at = this.claim(len);
      if (at >= 0) return this.window.toString('utf8', at, at + len);
    }
    this.pos = start;
    return undefined;
  }

  /** Moves past an array's items without decoding them: fixed-size ones at once, strings by their lengths. */
  private async walkItems(type: number, count: number, key: string): Promise<UnreadArray> {
    const fixed = FIXED[type];
    if (fixed) this.skip(fixed[0] * count);
    else if (type === ValueType.STRING)
      for (let i = 0; i < count; i++) {
        const at = this.claim(8);
        this.skip(at < 0 ? await this.u64(`${key} length`) : this.count(this.window, at, `${key} length`));
      }
    else await this.items(type, count, key);
    return new UnreadArray(type, count);
  }
}

/** Parses magic, version, metadata and tensor infos, and checks every tensor's data lies inside the file. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  return withModelFile(path, GgufError, async (fh, size) => {
    const c = new GgufCursor(fh, size, GgufError);
    if (size < 8 || (await c.u32()) !== GGUF_MAGIC) throw new GgufError('not a GGUF file (wrong magic bytes)');
    const version = await c.u32();
    if (version < 2 || version > 3) throw new GgufError(`unsupported GGUF version ${version} (expected 2 or 3)`);
    const tensorCount = await c.u64('tensor count');
    const kvCount = await c.u64('metadata count');
    const metadata = new Map<string, unknown>();
    for (let i = 0; i < kvCount; i++) {
      const key = await c.string('metadata key');
      metadata.set(key, await c.value(await c.u32(), key));
    }
    const tensors: TensorInfo[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = await c.string('tensor name');
      const nDims = await c.u32();
      if (nDims > 4) throw new GgufError(`tensor ${name} has ${nDims} dimensions (at most 4)`);
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++) dims.push(await c.u64(`tensor ${name} dimension`));
      tensors.push({ name, dims, type: await c.u32(), offset: await c.u64(`tensor ${name} offset`) });
    }
    const alignment = Number(metadata.get('general.alignment') ?? GGUF_ALIGNMENT);
    const dataOffset = alignUp(c.pos, alignment);
    for (const t of tensors) {
      const bytes = tensorBytes(t);
      if (bytes !== undefined && dataOffset + t.offset + bytes > size) {
        throw new GgufError(
          `truncated: tensor ${t.name} ends at byte ${dataOffset + t.offset + bytes}, file has ${size}`,
        );
      }
    }
    return { version, metadata, tensors, dataOffset, fileSize: size };
  });
}
