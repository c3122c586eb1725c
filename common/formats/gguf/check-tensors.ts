// Tensor rules: what ggml's GGUF reader refuses (unknown types, empty dimensions, rows that are not whole blocks,
// repeated names, data out of place), the types llama.cpp's CPU backend cannot compute with, and, for the llama
// architecture, tensor shapes against the hyper-parameters (llama.cpp's models/llama.cpp sizes them from block 0's).
import { alignUp, GGML_TYPES, GGUF_ALIGNMENT, TensorType, tensorBytes, typeName, type TensorInfo } from './format.js';
import { headSizes, type Rule } from './check-hparams.js';
import { effectiveDims } from './model-view.js';

/** Elementwise tensors: ggml's CPU add/mul take them only as F32 next to F32 activations (binary-ops.cpp). */
const ELEMENTWISE = /(norm\.(weight|bias)|\.bias)$/;
/** Types ggml stores but cannot multiply a weight matrix in: the CPU matmul and get_rows crash on them. */
const NOT_WEIGHT_TYPES = new Set([24, 25, 26, 27, 28]); // I8, I16, I32, I64, F64

const records: Rule = (v) => {
  const seen = new Set<string>();
  for (const t of v.h.tensors) {
    if (seen.has(t.name)) return `tensor ${t.name} appears twice`;
    seen.add(t.name);
    const type = GGML_TYPES[t.type];
    if (!type) return `tensor ${t.name} has type ${t.type}, which ggml does not know`;
    if (t.dims.length === 0 || t.dims.some((d) => d < 1)) return `tensor ${t.name} has a dimension of 0`;
    if (t.dims[0]! % type.block !== 0)
      return `tensor ${t.name}: its first dimension ${t.dims[0]} is not a multiple of ${type.name}'s ${type.block}`;
  }
  return undefined;
};

const isType = (t: TensorInfo) => `tensor ${t.name} is ${typeName(t.type)}`;

const computableTypes: Rule = (v) => {
  for (const t of v.h.tensors) {
    const rank = effectiveDims(t.dims).length;
    if (rank === 1 && ELEMENTWISE.test(t.name) && t.type !== TensorType.F32)
      return `${isType(t)}; llama.cpp applies norm weights and biases only as F32 (its CPU backend aborts on use)`;
    if (rank >= 2 && t.name.endsWith('.weight') && NOT_WEIGHT_TYPES.has(t.type))
      return `${isType(t)}; weights must be a float or quantized type (llama.cpp crashes computing with it)`;
  }
  return undefined;
};

/** The llama architecture: shapes llama.cpp expects (models/llama.cpp load_arch_tensors) and its n_rot rule. */
const llamaShapes: Rule = (v) => {
  if (v.arch !== 'llama') return undefined;
  const E = v.num('llama.embedding_length')!;
  const V = (v.raw('tokenizer.ggml.tokens') as unknown[]).length;
  const embd = v.tensors.get('token_embd.weight');
  if (embd && effectiveDims(embd.dims).join() !== [E, V].join())
    return `tensor token_embd.weight is ${embd.dims.join('×')}, expected ${E}×${V} (embedding_length × token count)`;
  const size = headSizes(v);
  const rot = v.num('llama.rope.dimension_count');
  if (rot !== undefined && rot !== size.k)
    return `metadata llama.rope.dimension_count is ${rot}; llama.cpp requires the head size ${size.k} for llama models`;
  const kv = v.perLayer('llama.attention.head_count_kv') ?? v.perLayer('llama.attention.head_count')!;
  for (const [b, names] of [...v.blocks].sort(([a], [c]) => a - c)) {
    for (const [name, head] of [
      ['attn_k.weight', size.k],
      ['attn_v.weight', size.v],
    ] as const) {
      const t = names.has(name) ? v.tensors.get(`blk.${b}.${name}`)! : undefined;
      if (t && t.dims[1] !== head * kv[b]!)
        return (
          `tensor blk.${b}.${name} has ${t.dims[1]} rows, expected ${head * kv[b]!} ` +
          `(head size ${head} × ${kv[b]} key/value heads of block ${b})`
        );
    }
  }
  return undefined;
};

/** ggml's reader wants a power-of-two alignment and each tensor right after the previous one, padded (gguf.cpp). */
const dataLayout: Rule = (v) => {
  const alignment = v.num('general.alignment') ?? GGUF_ALIGNMENT;
  if (!(Number.isInteger(alignment) && alignment > 0 && (alignment & (alignment - 1)) === 0))
    return `metadata general.alignment is ${v.raw('general.alignment')}, not a power of 2 (ggml refuses the file)`;
  let expected = 0;
  for (const t of v.h.tensors) {
    if (t.offset !== expected)
      return `tensor ${t.name} has data offset ${t.offset}, expected ${expected} (ggml refuses the file)`;
    expected += alignUp(tensorBytes(t)!, alignment);
  }
  return undefined;
};

export const tensorRules: Rule[] = [records, dataLayout, computableTypes];
export const shapeRules: Rule[] = [llamaShapes];
