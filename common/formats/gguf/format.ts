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

/** The ggml tensor types our demo models and test mutants write. */
export enum TensorType {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q8_0 = 8,
  Q4_K = 12,
  I32 = 26,
  F64 = 28,
  BF16 = 30,
}

/**
 * Every ggml tensor type a GGUF file may hold (ggml.h, ggml-common.h): id → name, elements per block, bytes per block.
 * Ids 4, 5 and 31–33, 36–38 were removed from ggml and are not listed.
 */
export const GGML_TYPES: Readonly<Record<number, { name: string; block: number; bytes: number }>> = {
  0: { name: 'F32', block: 1, bytes: 4 },
  1: { name: 'F16', block: 1, bytes: 2 },
  2: { name: 'Q4_0', block: 32, bytes: 18 },
  3: { name: 'Q4_1', block: 32, bytes: 20 },
  6: { name: 'Q5_0', block: 32, bytes: 22 },
  7: { name: 'Q5_1', block: 32, bytes: 24 },
  8: { name: 'Q8_0', block: 32, bytes: 34 },
  9: { name: 'Q8_1', block: 32, bytes: 36 },
  10: { name: 'Q2_K', block: 256, bytes: 84 },
  11: { name: 'Q3_K', block: 256, bytes: 110 },
  12: { name: 'Q4_K', block: 256, bytes: 144 },
  13: { name: 'Q5_K', block: 256, bytes: 176 },
  14: { name: 'Q6_K', block: 256, bytes: 210 },
  15: { name: 'Q8_K', block: 256, bytes: 292 },
  16: { name: 'IQ2_XXS', block: 256, bytes: 66 },
  17: { name: 'IQ2_XS', block: 256, bytes: 74 },
  18: { name: 'IQ3_XXS', block: 256, bytes: 98 },
  19: { name: 'IQ1_S', block: 256, bytes: 50 },
  20: { name: 'IQ4_NL', block: 32, bytes: 18 },
  21: { name: 'IQ3_S', block: 256, bytes: 110 },
  22: { name: 'IQ2_S', block: 256, bytes: 82 },
  23: { name: 'IQ4_XS', block: 256, bytes: 136 },
  24: { name: 'I8', block: 1, bytes: 1 },
  25: { name: 'I16', block: 1, bytes: 2 },
  26: { name: 'I32', block: 1, bytes: 4 },
  27: { name: 'I64', block: 1, bytes: 8 },
  28: { name: 'F64', block: 1, bytes: 8 },
  29: { name: 'IQ1_M', block: 256, bytes: 56 },
  30: { name: 'BF16', block: 1, bytes: 2 },
  34: { name: 'TQ1_0', block: 256, bytes: 54 },
  35: { name: 'TQ2_0', block: 256, bytes: 66 },
  39: { name: 'MXFP4', block: 32, bytes: 17 },
  40: { name: 'NVFP4', block: 64, bytes: 36 },
  41: { name: 'Q1_0', block: 128, bytes: 18 },
  42: { name: 'Q2_0', block: 64, bytes: 18 },
};

/** A ggml type's name, or `type N` for an id ggml does not know. */
export const typeName = (type: number): string => GGML_TYPES[type]?.name ?? `type ${type}`;

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

/** Bytes a tensor occupies in the data section (before alignment padding); undefined for types ggml does not know. */
export function tensorBytes(t: Pick<TensorInfo, 'dims' | 'type'>): number | undefined {
  const ty = GGML_TYPES[t.type];
  return ty === undefined ? undefined : Math.ceil(t.dims.reduce((a, d) => a * d, 1) / ty.block) * ty.bytes;
}
