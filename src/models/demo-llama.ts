// Synthesizes a random-weight llama-architecture GGUF that node-llama-cpp loads and runs: the offline demo LLM.
import { ValueType, TensorType, type MetadataValue } from '../../common/formats/gguf/format.js';
import { writeGguf, type TensorSpec } from '../../common/formats/gguf/write.js';
import { f16Random, f32Ones, seededBytes } from './random-bytes.js';

export interface LlamaShape {
  embedding: number;
  blocks: number;
  feedForward: number;
  heads: number;
  contextLength: number;
}

const WORDS = ['the', 'a', 'model', 'server', 'ready', 'hello', 'world', 'cold', 'start', 'fast', 'load', 'token'];
const BYTE_TOKENS = Array.from({ length: 256 }, (_, i) => `<0x${i.toString(16).toUpperCase().padStart(2, '0')}>`);
/**
 * SentencePiece-style vocabulary: control tokens, 256 byte fallbacks (enough to tokenize any text), the space piece, a
 * few words.
 */
export const DEMO_VOCAB = ['<unk>', '<s>', '</s>', ...BYTE_TOKENS, '\u2581', ...WORDS.map((w) => `\u2581${w}`)];
const TOKEN_TYPES = DEMO_VOCAB.map((_, i) => (i === 0 ? 2 : i < 3 ? 3 : i < 3 + 256 ? 6 : 1));

const EMBEDDINGS = [64, 128, 256, 512, 768, 1024, 1536, 2048, 3072, 4096];
const feedForwardOf = (e: number) => Math.round((e * 2.75) / 32) * 32;
const blockParams = (e: number) => 4 * e * e + 3 * e * feedForwardOf(e) + 2 * e;

/**
 * Picks the widest shape that still has a few blocks, so the file lands near `bytes` (f16 weights); `vocabRows` counts
 * the rows of the embedding and, when the model has one, of its output matrix.
 */
export function shapeForSize(bytes: number, vocabRows = DEMO_VOCAB.length): LlamaShape {
  const params = bytes / 2;
  let embedding = EMBEDDINGS[0]!;
  let blocks = 2;
  for (const e of EMBEDDINGS) {
    const l = Math.round((params - e * vocabRows - e) / blockParams(e));
    if (l >= 4 || e === EMBEDDINGS[0]) {
      embedding = e;
      blocks = Math.max(1, l);
    }
  }
  return {
    embedding,
    blocks,
    feedForward: feedForwardOf(embedding),
    heads: Math.max(1, embedding / 64),
    contextLength: 2048,
  };
}

const str = (value: string): MetadataValue => ({ type: ValueType.STRING, value });
const u32 = (value: number): MetadataValue => ({ type: ValueType.UINT32, value });

/** Metadata llama.cpp needs for `general.architecture = llama` (see RUNTIME-FACTS.md). */
export function llamaMetadata(name: string, s: LlamaShape): Record<string, MetadataValue> {
  return {
    'general.architecture': str('llama'),
    'general.name': str(name),
    'llama.context_length': u32(s.contextLength),
    'llama.embedding_length': u32(s.embedding),
    'llama.block_count': u32(s.blocks),
    'llama.feed_forward_length': u32(s.feedForward),
    'llama.attention.head_count': u32(s.heads),
    'llama.attention.head_count_kv': u32(s.heads),
    'llama.rope.dimension_count': u32(s.embedding / s.heads),
    'llama.attention.layer_norm_rms_epsilon': { type: ValueType.FLOAT32, value: 1e-5 },
    'general.file_type': u32(1),
    'tokenizer.ggml.model': str('llama'),
    'tokenizer.ggml.tokens': { type: ValueType.ARRAY, itemType: ValueType.STRING, value: DEMO_VOCAB },
    'tokenizer.ggml.scores': { type: ValueType.ARRAY, itemType: ValueType.FLOAT32, value: DEMO_VOCAB.map(() => 0) },
    'tokenizer.ggml.token_type': { type: ValueType.ARRAY, itemType: ValueType.INT32, value: TOKEN_TYPES },
    'tokenizer.ggml.unknown_token_id': u32(0),
    'tokenizer.ggml.bos_token_id': u32(1),
    'tokenizer.ggml.eos_token_id': u32(2),
  };
}

/**
 * Random f16 weights and unit norms for every tensor llama.cpp needs; the output matrix is tied to the embedding unless
 * `untied` asks for one of its own.
 */
export function llamaTensors(s: LlamaShape, seed: string, vocab = DEMO_VOCAB.length, untied = false): TensorSpec[] {
  const E = s.embedding,
    F = s.feedForward,
    V = vocab;
  const weights = f16Random(seededBytes(seed));
  const f16 = (name: string, dims: number[]): TensorSpec => ({ name, dims, type: TensorType.F16, fill: weights });
  const norm = (name: string): TensorSpec => ({ name, dims: [E], type: TensorType.F32, fill: f32Ones });
  const tensors: TensorSpec[] = [f16('token_embd.weight', [E, V])];
  for (let b = 0; b < s.blocks; b++) {
    const p = `blk.${b}.`;
    tensors.push(
      norm(`${p}attn_norm.weight`),
      f16(`${p}attn_q.weight`, [E, E]),
      f16(`${p}attn_k.weight`, [E, E]),
      f16(`${p}attn_v.weight`, [E, E]),
      f16(`${p}attn_output.weight`, [E, E]),
      norm(`${p}ffn_norm.weight`),
      f16(`${p}ffn_gate.weight`, [E, F]),
      f16(`${p}ffn_up.weight`, [E, F]),
      f16(`${p}ffn_down.weight`, [F, E]),
    );
  }
  tensors.push(norm('output_norm.weight'));
  if (untied) tensors.push(f16('output.weight', [E, V]));
  return tensors;
}

/** Writes a demo llama model of about `bytes` to `path`; the same name, size and seed give the same bytes. */
export async function writeDemoLlama(
  path: string,
  opts: { name: string; bytes: number; seed: string },
): Promise<number> {
  const shape = shapeForSize(opts.bytes);
  return writeGguf(path, llamaMetadata(opts.name, shape), llamaTensors(shape, opts.seed));
}
