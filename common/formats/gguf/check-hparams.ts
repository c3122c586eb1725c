// Hyper-parameter rules: values llama.cpp asserts on while loading (llama-model.cpp load_hparams), sizes tensors with
// (a size of 0 trips `t_meta.ne[dim] >= 1` in llama-model-loader.cpp) or asserts on at the first inference (ggml ops).
import type { ModelView } from './model-view.js';

/** A rule returns why the model is refused, or undefined. */
export type Rule = (v: ModelView) => string | undefined;

const LLAMA_MAX_LAYERS = 512; // llama-hparams.h
const LLAMA_MAX_EXPERTS = 1024; // llama-hparams.h
const ROPE_SCALING_TYPES = ['none', 'linear', 'yarn', 'longrope']; // llama-model.cpp LLAMA_ROPE_SCALING_TYPES
/** Keys llama.cpp reads with get_key_or_arr: one value, or one per block. */
const PER_LAYER = ['attention.head_count', 'attention.head_count_kv', 'feed_forward_length', 'expert_used_count'];
const EPSILONS = ['attention.layer_norm_rms_epsilon', 'attention.layer_norm_epsilon'];

const show = (x: unknown) => (typeof x === 'string' ? JSON.stringify(x) : String(x));
/** `metadata llama.block_count is 0`: how every reason about a key starts. */
const isWhat = (v: ModelView, k: string) => `metadata ${v.key(k)} is ${show(v.raw(v.key(k)))}`;
const isCount = (n: number | undefined) => n !== undefined && Number.isInteger(n) && n >= 0;

const blockCount: Rule = (v) => {
  const n = v.num(v.key('block_count'));
  if (n === undefined || (Number.isInteger(n) && n >= 1 && n <= LLAMA_MAX_LAYERS)) return undefined;
  return `${isWhat(v, 'block_count')} (llama.cpp needs 1..${LLAMA_MAX_LAYERS} layers)`;
};

const positive =
  (k: string, why: string): Rule =>
  (v) => {
    const n = v.num(v.key(k));
    return n === undefined || (Number.isInteger(n) && n >= 1) ? undefined : `${isWhat(v, k)} (${why})`;
  };

const perLayerShapes: Rule = (v) => {
  for (const k of PER_LAYER) {
    const raw = v.raw(v.key(k));
    if (Array.isArray(raw) && raw.length !== v.blockCount())
      return `metadata ${v.key(k)} has ${raw.length} entries for ${v.blockCount()} blocks (llama.cpp refuses it)`;
    if (raw !== undefined && !Array.isArray(raw) && !isCount(v.num(v.key(k)))) return `${isWhat(v, k)}, not a count`;
    const bad = v.perLayer(v.key(k))?.find((n) => !isCount(n));
    if (bad !== undefined) return `metadata ${v.key(k)} holds ${show(bad)}, not a count`;
  }
  return undefined;
};

const strayBlocks: Rule = (v) => {
  const n = v.blockCount();
  const stray = [...v.blocks.keys()].find((b) => b >= n);
  return stray === undefined ? undefined : `tensors of block ${stray} exist, but ${v.key('block_count')} is ${n}`;
};

/** Head sizes as llama.cpp derives them: key/value length, or embedding / heads of block 0. */
export function headSizes(v: ModelView): { k: number; v: number } {
  const heads0 = v.perLayer(v.key('attention.head_count'))?.[0] ?? 0;
  const derived = heads0 > 0 ? Math.floor((v.num(v.key('embedding_length')) ?? 0) / heads0) : 0;
  return { k: v.num(v.key('attention.key_length')) ?? derived, v: v.num(v.key('attention.value_length')) ?? derived };
}

/** llama.cpp sizes tensors from block 0's values: a 0 there aborts it; elsewhere the file contradicts itself. */
const zeroFor = (v: ModelView, k: string, b: number, what: string) =>
  `metadata ${v.key(k)} is 0 for block ${b}, which has ${what} weights ` +
  (b === 0
    ? '(llama.cpp aborts sizing them)'
    : '(the file contradicts itself; llama.cpp may abort building that block)');

const attentionSizes: Rule = (v) => {
  const attention = v.blocksWith('attn_q.weight', 'attn_qkv.weight');
  if (attention.length === 0) return undefined;
  const heads = v.perLayer(v.key('attention.head_count')) ?? [];
  const kv = v.perLayer(v.key('attention.head_count_kv')) ?? heads;
  for (const b of attention) {
    const k = !(heads[b]! >= 1) ? 'attention.head_count' : !(kv[b]! >= 1) ? 'attention.head_count_kv' : undefined;
    if (k) return zeroFor(v, k, b, 'attention');
  }
  for (const k of ['attention.key_length', 'attention.value_length']) {
    const n = v.num(v.key(k));
    if (n !== undefined && !(n >= 1))
      return `metadata ${v.key(k)} is ${show(v.raw(v.key(k)))} (llama.cpp aborts sizing the attention weights)`;
  }
  const size = headSizes(v);
  if (size.k < 1 || size.v < 1)
    return (
      `the attention head size is 0 (${v.key('embedding_length')} ${v.num(v.key('embedding_length'))} ` +
      `for ${heads[0]} heads); llama.cpp aborts sizing the attention weights`
    );
  const rot = v.num(v.key('rope.dimension_count'));
  if (rot !== undefined && rot > size.k)
    return `${isWhat(v, 'rope.dimension_count')}, more than the head size ${size.k} (ggml's rope asserts it fits)`;
  return undefined;
};

const feedForwardSizes: Rule = (v) => {
  const ffn = v.perLayer(v.key('feed_forward_length')) ?? [];
  for (const b of v.blocksWith('ffn_up.weight', 'ffn_gate.weight', 'ffn_down.weight'))
    if (!(ffn[b]! >= 1)) return zeroFor(v, 'feed_forward_length', b, 'feed-forward');
  return undefined;
};

const epsilons: Rule = (v) => {
  for (const k of EPSILONS) {
    const raw = v.raw(v.key(k));
    if (raw === undefined || (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0)) continue;
    return raw === Infinity
      ? `metadata ${v.key(k)} is Infinity (an infinite norm epsilon turns every activation into 0)`
      : `metadata ${v.key(k)} is ${show(raw)} (llama.cpp asserts a norm epsilon >= 0 on the first inference)`;
  }
  return undefined;
};

const ropeScaling: Rule = (v) => {
  const t = v.raw(v.key('rope.scaling.type'));
  if (t === undefined || (typeof t === 'string' && ROPE_SCALING_TYPES.includes(t))) return undefined;
  return `${isWhat(v, 'rope.scaling.type')} (llama.cpp knows ${ROPE_SCALING_TYPES.join(', ')} and aborts on others)`;
};

/** The expert-count assertions of load_hparams, in its order. */
const experts: Rule = (v) => {
  const n = v.num(v.key('expert_count')) ?? 0;
  const used = Math.max(0, ...(v.perLayer(v.key('expert_used_count')) ?? [0]));
  const groups = v.num(v.key('expert_group_count')) ?? 0;
  const groupsUsed = v.num(v.key('expert_group_used_count')) ?? 0;
  const e = (k: string) => v.key(k);
  if (n > LLAMA_MAX_EXPERTS)
    return `metadata ${e('expert_count')} is ${n} (llama.cpp allows at most ${LLAMA_MAX_EXPERTS})`;
  if (used > n)
    return `metadata ${e('expert_used_count')} is ${used}, more than ${e('expert_count')} ${n} (llama.cpp aborts)`;
  if (n > 0 && used === 0)
    return `metadata ${e('expert_count')} is ${n} but ${e('expert_used_count')} is 0 (llama.cpp aborts)`;
  if (n > 0 && groups >= n)
    return `metadata ${e('expert_group_count')} is ${groups}, not below ${e('expert_count')} ${n}`;
  if (n > 0 && groups > 1 && (n % groups !== 0 || groupsUsed < 1 || groupsUsed >= groups))
    return `${isWhat(v, 'expert_group_count')} with ${groupsUsed} used, which does not fit ${n} experts`;
  if (n === 0 && groups !== 0) return `metadata ${e('expert_group_count')} is ${groups} for a model without experts`;
  return undefined;
};

const nextN: Rule = (v) => {
  const n = v.num(v.key('nextn_predict_layers'));
  if (n === undefined || n <= v.blockCount()) return undefined;
  return `metadata ${v.key('nextn_predict_layers')} is ${n}, more than the ${v.blockCount()} blocks (llama.cpp aborts)`;
};

export const hparamRules: Rule[] = [
  blockCount,
  positive('context_length', 'a model needs a context of at least 1 token'),
  positive('embedding_length', 'llama.cpp sizes every tensor with it'),
  perLayerShapes,
  strayBlocks,
  attentionSizes,
  feedForwardSizes,
  epsilons,
  ropeScaling,
  experts,
  nextN,
];
