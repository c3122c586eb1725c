// Reads and checks a GGUF header without llama.cpp: a file that would make llama.cpp abort the process is refused here
// first.
import { FileCursor, withModelFile } from '../file-cursor.js';
import { GGUF_MAGIC, GGUF_ALIGNMENT, ValueType, alignUp, tensorBytes, type TensorInfo } from './format.js';

/** Why a file is not a usable GGUF model; the message is the reason shown to users. */
export class GgufError extends Error {}

export interface GgufHeader {
  version: number;
  metadata: Map<string, unknown>;
  tensors: TensorInfo[];
  dataOffset: number;
  fileSize: number;
}

/** GGUF's own encodings over the shared file cursor: u64 counts, length-prefixed strings, typed values. */
class GgufCursor extends FileCursor {
  async u64(what: string) {
    const v = (await this.need(8)).readBigUInt64LE(0);
    if (v > BigInt(this.size) * 8n) throw new GgufError(`implausible ${what}: ${v}`);
    return Number(v);
  }
  async string(what: string) {
    const len = await this.u64(`${what} length`);
    return (await this.need(len)).toString('utf8');
  }
  async value(type: number, key: string): Promise<unknown> {
    switch (type) {
      case ValueType.UINT8:
        return (await this.need(1)).readUInt8(0);
      case ValueType.INT8:
        return (await this.need(1)).readInt8(0);
      case ValueType.UINT16:
        return (await this.need(2)).readUInt16LE(0);
      case ValueType.INT16:
        return (await this.need(2)).readInt16LE(0);
      case ValueType.UINT32:
        return this.u32();
      case ValueType.INT32:
        return this.i32();
      case ValueType.FLOAT32:
        return (await this.need(4)).readFloatLE(0);
      case ValueType.BOOL:
        return (await this.need(1)).readUInt8(0) !== 0;
      case ValueType.STRING:
        return this.string(key);
      case ValueType.UINT64:
        return (await this.need(8)).readBigUInt64LE(0);
      case ValueType.INT64:
        return (await this.need(8)).readBigInt64LE(0);
      case ValueType.FLOAT64:
        return (await this.need(8)).readDoubleLE(0);
      case ValueType.ARRAY: {
        const itemType = await this.u32();
        const count = await this.u64(`${key} item count`);
        const items: unknown[] = [];
        for (let i = 0; i < count; i++) items.push(await this.value(itemType, key));
        return items;
      }
      default:
        throw new GgufError(`metadata ${key} has unknown value type ${type}`);
    }
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
