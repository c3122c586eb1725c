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
    const b = Buffer.alloc(8);
    switch (type) {
      case ValueType.STRING:
        return str(v as string);
      case ValueType.UINT8:
        b.writeUInt8(v as number);
        return parts.push(b.subarray(0, 1));
      case ValueType.INT8:
        b.writeInt8(v as number);
        return parts.push(b.subarray(0, 1));
      case ValueType.UINT16:
        b.writeUInt16LE(v as number);
        return parts.push(b.subarray(0, 2));
      case ValueType.INT16:
        b.writeInt16LE(v as number);
        return parts.push(b.subarray(0, 2));
      case ValueType.UINT32:
        b.writeUInt32LE(v as number);
        return parts.push(b.subarray(0, 4));
      case ValueType.INT32:
        b.writeInt32LE(v as number);
        return parts.push(b.subarray(0, 4));
      case ValueType.FLOAT32:
        b.writeFloatLE(v as number);
        return parts.push(b.subarray(0, 4));
      case ValueType.BOOL:
        b.writeUInt8(v ? 1 : 0);
        return parts.push(b.subarray(0, 1));
      case ValueType.UINT64:
        b.writeBigUInt64LE(BigInt(v as bigint));
        return parts.push(b);
      case ValueType.INT64:
        b.writeBigInt64LE(BigInt(v as bigint));
        return parts.push(b);
      case ValueType.FLOAT64:
        b.writeDoubleLE(v as number);
        return parts.push(b);
      default:
        throw new Error(`cannot encode GGUF value type ${type}`);
    }
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
