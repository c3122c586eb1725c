// The GGUF v3 constants shared by the writer (demo models) and the reader (header validation).

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_ALIGNMENT = 32;

/** Metadata value types, as numbered by the GGUF spec. */
export enum ValueType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

/** The ggml tensor types our demo models write. */
export enum TensorType {
  F32 = 0,
  F16 = 1,
}

/** ggml type id → [elements per block, bytes per block], for the types whose size we check. */
const TYPE_BLOCKS: Record<number, [number, number]> = {
  0: [1, 4],
  1: [1, 2],
  2: [32, 18],
  3: [32, 20],
  6: [32, 22],
  7: [32, 24],
  8: [32, 34],
  9: [32, 36],
  10: [256, 84],
  11: [256, 110],
  12: [256, 144],
  13: [256, 176],
  14: [256, 210],
  15: [256, 292],
  24: [1, 1],
  25: [1, 2],
  26: [1, 4],
  27: [1, 8],
  28: [1, 8],
  30: [1, 2],
};

/** A typed metadata value: the writer needs the type, the reader reports it. */
export type MetadataValue =
  | { type: ValueType.STRING; value: string }
  | {
      type:
        | ValueType.UINT32
        | ValueType.INT32
        | ValueType.FLOAT32
        | ValueType.UINT8
        | ValueType.INT8
        | ValueType.UINT16
        | ValueType.INT16
        | ValueType.FLOAT64;
      value: number;
    }
  | { type: ValueType.UINT64 | ValueType.INT64; value: bigint }
  | { type: ValueType.BOOL; value: boolean }
  | { type: ValueType.ARRAY; itemType: ValueType; value: Array<string | number | bigint | boolean> };

export interface TensorInfo {
  name: string;
  /** Innermost dimension first, as GGUF stores them. */
  dims: number[];
  type: number;
  /** Byte offset inside the data section. */
  offset: number;
}

export function alignUp(n: number, alignment = GGUF_ALIGNMENT): number {
  return Math.ceil(n / alignment) * alignment;
}

/** Bytes a tensor occupies in the data section (before alignment padding); undefined for types we do not size. */
export function tensorBytes(t: Pick<TensorInfo, 'dims' | 'type'>): number | undefined {
  const block = TYPE_BLOCKS[t.type];
  return block === undefined ? undefined : Math.ceil(t.dims.reduce((a, d) => a * d, 1) / block[0]) * block[1];
}
