// Streams a GGUF v3 file to disk: header in memory, tensor data chunk by chunk so a 1 GB model never sits in RAM.
import { open } from 'node:fs/promises';
import {
  GGUF_MAGIC,
  GGUF_VERSION,
  GGUF_ALIGNMENT,
  ValueType,
  alignUp,
  tensorBytes,
  type MetadataValue,
} from './format.js';

export interface TensorSpec {
  name: string;
  dims: number[];
  type: number;
  /** Fills `buf` with the next bytes of this tensor's data. */
  fill(buf: Buffer): void;
}

const CHUNK = 4 << 20;

type Scalar = string | number | bigint | boolean;

/** How each fixed-size metadata type is written, little-endian as GGUF stores it. */
const SCALARS: Partial<Record<ValueType, { bytes: number; write(b: Buffer, v: Scalar): void }>> = {
  [ValueType.UINT8]: { bytes: 1, write: (b, v) => b.writeUInt8(v as number) },
  [ValueType.INT8]: { bytes: 1, write: (b, v) => b.writeInt8(v as number) },
  [ValueType.UINT16]: { bytes: 2, write: (b, v) => b.writeUInt16LE(v as number) },
  [ValueType.INT16]: { bytes: 2, write: (b, v) => b.writeInt16LE(v as number) },
  [ValueType.UINT32]: { bytes: 4, write: (b, v) => b.writeUInt32LE(v as number) },
  [ValueType.INT32]: { bytes: 4, write: (b, v) => b.writeInt32LE(v as number) },
  [ValueType.FLOAT32]: { bytes: 4, write: (b, v) => b.writeFloatLE(v as number) },
  [ValueType.BOOL]: { bytes: 1, write: (b, v) => b.writeUInt8(v ? 1 : 0) },
  [ValueType.UINT64]: { bytes: 8, write: (b, v) => b.writeBigUInt64LE(BigInt(v as bigint)) },
  [ValueType.INT64]: { bytes: 8, write: (b, v) => b.writeBigInt64LE(BigInt(v as bigint)) },
  [ValueType.FLOAT64]: { bytes: 8, write: (b, v) => b.writeDoubleLE(v as number) },
};

/** Builds header bytes: magic, version, counts, metadata, tensor infos, padded to the data section. */
export function encodeHeader(metadata: Record<string, MetadataValue>, tensors: Omit<TensorSpec, 'fill'>[]): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    parts.push(b);
  };
  const u64 = (n: number | bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    parts.push(b);
  };
  const str = (s: string) => {
    const bytes = Buffer.from(s, 'utf8');
    u64(bytes.length);
    parts.push(bytes);
  };
  const scalar = (type: ValueType, v: string | number | bigint | boolean) => {
    if (type === ValueType.STRING) return str(v as string);
    const encoding = SCALARS[type];
    if (!encoding) throw new Error(`cannot encode GGUF value type ${type}`);
    const b = Buffer.alloc(encoding.bytes);
    encoding.write(b, v);
    parts.push(b);
  };

  u32(GGUF_MAGIC);
  u32(GGUF_VERSION);
  u64(tensors.length);
  u64(Object.keys(metadata).length);
  for (const [key, mv] of Object.entries(metadata)) {
    str(key);
    u32(mv.type);
    if (mv.type === ValueType.ARRAY) {
      u32(mv.itemType);
      u64(mv.value.length);
      for (const item of mv.value) scalar(mv.itemType, item);
    } else {
      scalar(mv.type, mv.value);
    }
  }
  let offset = 0;
  for (const t of tensors) {
    str(t.name);
    u32(t.dims.length);
    for (const d of t.dims) u64(d);
    u32(t.type);
    u64(offset);
    offset = alignUp(offset + requireBytes(t));
  }
  const header = Buffer.concat(parts);
  return Buffer.concat([header, Buffer.alloc(alignUp(header.length) - header.length)]);
}

function requireBytes(t: Omit<TensorSpec, 'fill'>): number {
  const n = tensorBytes(t);
  if (n === undefined) throw new Error(`tensor ${t.name}: unsupported type ${t.type}`);
  return n;
}

/** Writes the whole file; returns its size in bytes. */
export async function writeGguf(
  path: string,
  metadata: Record<string, MetadataValue>,
  tensors: TensorSpec[],
): Promise<number> {
  const fh = await open(path, 'w');
  try {
    const header = encodeHeader(metadata, tensors);
    let written = (await fh.write(header)).bytesWritten;
    const buf = Buffer.alloc(CHUNK);
    for (const t of tensors) {
      let left = requireBytes(t);
      while (left > 0) {
        const chunk = buf.subarray(0, Math.min(left, CHUNK));
        t.fill(chunk);
        written += (await fh.write(chunk)).bytesWritten;
        left -= chunk.length;
      }
      const pad = alignUp(written - header.length, GGUF_ALIGNMENT) - (written - header.length);
      if (pad > 0) written += (await fh.write(Buffer.alloc(pad))).bytesWritten;
    }
    return written;
  } finally {
    await fh.close();
  }
}
