// A read-only view of a parsed GGUF header for the checks: typed access to metadata (scalar or per-layer), and which
// tensors each block holds.
import type { TensorInfo } from './format.js';
import type { GgufHeader } from './read.js';

/** Dims without trailing 1s: llama.cpp treats [64, 1] and [64] alike. */
export const effectiveDims = (dims: number[]): number[] => {
  const d = [...dims];
  while (d.length > 1 && d.at(-1) === 1) d.pop();
  return d;
};

export class ModelView {
  readonly arch: string;
  readonly tensors = new Map<string, TensorInfo>();
  /** Block index → tensor names inside the block without the `blk.N.` prefix. */
  readonly blocks = new Map<number, Set<string>>();

  constructor(readonly h: GgufHeader) {
    this.arch = String(h.metadata.get('general.architecture'));
    for (const t of h.tensors) {
      this.tensors.set(t.name, t);
      const m = /^blk\.(\d+)\.(.+)$/.exec(t.name);
      if (!m) continue;
      const b = Number(m[1]);
      if (!this.blocks.has(b)) this.blocks.set(b, new Set());
      this.blocks.get(b)!.add(m[2]!);
    }
  }

  /** The architecture's key: `attention.head_count` → `llama.attention.head_count`. */
  key(k: string): string {
    return `${this.arch}.${k}`;
  }

  has(fullKey: string): boolean {
    return this.h.metadata.has(fullKey);
  }

  raw(fullKey: string): unknown {
    return this.h.metadata.get(fullKey);
  }

  /** A scalar as a number (64-bit integers too); undefined when absent, NaN when it is not a number. */
  num(fullKey: string): number | undefined {
    const v = this.h.metadata.get(fullKey);
    if (v === undefined) return undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    return NaN;
  }

  /** A key llama.cpp reads as one value for every block or as an array of one value per block. */
  perLayer(fullKey: string): number[] | undefined {
    const v = this.h.metadata.get(fullKey);
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'number' || typeof x === 'bigint' ? Number(x) : NaN));
    const n = this.num(fullKey)!;
    return Array.from({ length: Math.max(1, this.blockCount()) }, () => n);
  }

  blockCount(): number {
    const n = this.num(this.key('block_count'));
    return n !== undefined && Number.isInteger(n) && n > 0 ? n : 0;
  }

  /** Blocks holding a tensor with one of these suffixes, e.g. `attn_q.weight`. */
  blocksWith(...suffixes: string[]): number[] {
    return [...this.blocks]
      .filter(([, names]) => suffixes.some((s) => names.has(s)))
      .map(([b]) => b)
      .sort((a, b) => a - b);
  }
}
