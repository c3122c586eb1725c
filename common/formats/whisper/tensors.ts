// The tensors whisper_model_load allocates from the hyper-parameters, with shape and type. whisper.cpp allocates all
// of them before it reads a single record, so a hyper-parameter that disagrees with the file (n_text_ctx of 2^31, say)
// makes it ask for terabytes and abort; it compares shapes only afterwards. Checking records against this table first
// refuses such a file without a crash.
import { typeName } from '../gguf/format.js';
import type { WhisperHparams } from './format.js';

export interface ExpectedTensor {
  /** Innermost dimension first, without trailing 1s. */
  dims: number[];
  type: number;
}

const F32 = 0;
const F16 = 1;
/** ftype % 1000 → the ggml type of the weight matrices (ggml_ftype_to_ggml_type). */
const WEIGHT_TYPE: Record<number, number> = { 0: 0, 1: 1, 2: 2, 3: 3, 7: 8, 8: 6, 9: 7, 24: 30 };

/** Every tensor whisper.cpp expects, by name. */
export function expectedWhisperTensors(h: WhisperHparams): Map<string, ExpectedTensor> {
  const wtype = WEIGHT_TYPE[h.ftype % 1000]!;
  const vtype = wtype === F32 ? F32 : F16; // the convolutions
  const out = new Map<string, ExpectedTensor>();
  const put = (name: string, dims: number[], type = F32) => out.set(name, { dims: trim(dims), type });
  const block = (p: string, S: number) => {
    put(`${p}.mlp_ln.weight`, [S]);
    put(`${p}.mlp_ln.bias`, [S]);
    put(`${p}.mlp.0.weight`, [S, 4 * S], wtype);
    put(`${p}.mlp.0.bias`, [4 * S]);
    put(`${p}.mlp.2.weight`, [4 * S, S], wtype);
    put(`${p}.mlp.2.bias`, [S]);
    attention(`${p}.attn`, `${p}.attn_ln`, S);
  };
  const attention = (p: string, ln: string, S: number) => {
    put(`${ln}.weight`, [S]);
    put(`${ln}.bias`, [S]);
    for (const x of ['query', 'key', 'value', 'out']) {
      put(`${p}.${x}.weight`, [S, S], wtype);
      if (x !== 'key') put(`${p}.${x}.bias`, [S]);
    }
  };
  const A = h.n_audio_state;
  put('encoder.positional_embedding', [A, h.n_audio_ctx]);
  put('encoder.conv1.weight', [3, h.n_mels, A], vtype);
  put('encoder.conv1.bias', [1, A]);
  put('encoder.conv2.weight', [3, A, A], vtype);
  put('encoder.conv2.bias', [1, A]);
  put('encoder.ln_post.weight', [A]);
  put('encoder.ln_post.bias', [A]);
  for (let i = 0; i < h.n_audio_layer; i++) block(`encoder.blocks.${i}`, A);
  const T = h.n_text_state;
  put('decoder.positional_embedding', [T, h.n_text_ctx]);
  put('decoder.token_embedding.weight', [T, h.n_vocab], wtype);
  put('decoder.ln.weight', [T]);
  put('decoder.ln.bias', [T]);
  for (let i = 0; i < h.n_text_layer; i++) {
    block(`decoder.blocks.${i}`, T);
    attention(`decoder.blocks.${i}.cross_attn`, `decoder.blocks.${i}.cross_attn_ln`, T);
  }
  return out;
}

function trim(dims: number[]): number[] {
  const d = [...dims];
  while (d.length > 1 && d.at(-1) === 1) d.pop();
  return d;
}

/** Why a tensor record disagrees with what whisper.cpp allocates for it, or undefined. */
export function tensorMismatch(
  expected: Map<string, ExpectedTensor>,
  h: WhisperHparams,
  t: { name: string; dims: number[]; type: number },
): string | undefined {
  const e = expected.get(t.name);
  if (!e) return `tensor ${t.name} is not one whisper.cpp knows`;
  const dims = trim(t.dims);
  if (dims.join() !== e.dims.join())
    return `tensor ${t.name} is ${dims.join('×')}, the hyper-parameters make it ${e.dims.join('×')}`;
  if (t.type !== e.type)
    return `tensor ${t.name} is ${typeName(t.type)}, ftype ${h.ftype} makes whisper.cpp read it as ${typeName(e.type)}`;
  return undefined;
}
