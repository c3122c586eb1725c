// Synthesizes a random-weight whisper.cpp model in its legacy ggml format: whisper.cpp loads and runs it (the text is
// nonsense).
// Tensor names, shapes and types follow whisper.cpp's whisper_model_load, which refuses any file that differs.
import { TensorType } from '../../common/formats/gguf/format.js';
import { MIN_VOCAB, N_FFT, type WhisperTensor } from '../../common/formats/whisper/format.js';
import { writeWhisper } from '../../common/formats/whisper/write.js';
import { f16Random, f32Ones, seededBytes } from './random-bytes.js';

const N_VOCAB = MIN_VOCAB; // English-only vocabulary size: whisper.cpp then skips language detection
const N_AUDIO_CTX = 1500;
const N_TEXT_CTX = 448;
const N_MELS = 80;
const STATES = [32, 64, 128, 256, 384, 512, 768, 1024];

export interface WhisperShape {
  state: number;
  heads: number;
  layers: number;
}

const zeros = (buf: Buffer) => {
  buf.fill(0);
};

/** Bytes of a model with this shape, the weights being f16. */
function bytesOf(s: number, layers: number): number {
  return (
    2 * (N_VOCAB * s + 3 * N_MELS * s + 3 * s * s + layers * (12 * s * s + 16 * s * s)) +
    4 * (N_AUDIO_CTX + N_TEXT_CTX) * s
  );
}

/** The widest state that fits `bytes` with at least one layer per side, then as many layers as fit. */
export function whisperShapeForSize(bytes: number): WhisperShape {
  let state = STATES[0]!;
  for (const s of STATES) if (bytesOf(s, 1) <= bytes) state = s;
  let layers = 1;
  while (bytesOf(state, layers + 1) <= bytes && layers < 32) layers += 1;
  return { state, heads: Math.max(1, state / 64), layers };
}

/** The tensors whisper_model_load expects, in ggml dimension order (innermost first). */
export function whisperTensors(sh: WhisperShape, seed: string): WhisperTensor[] {
  const S = sh.state;
  const w = f16Random(seededBytes(seed));
  const f16 = (name: string, dims: number[]): WhisperTensor => ({ name, dims, type: TensorType.F16, fill: w });
  const f32 = (name: string, dims: number[], fill: (b: Buffer) => void = zeros): WhisperTensor => ({
    name,
    dims,
    type: TensorType.F32,
    fill,
  });
  const norm = (prefix: string) => [f32(`${prefix}.weight`, [S], f32Ones), f32(`${prefix}.bias`, [S])];
  const attention = (prefix: string) => [
    f16(`${prefix}.query.weight`, [S, S]),
    f32(`${prefix}.query.bias`, [S]),
    f16(`${prefix}.key.weight`, [S, S]),
    f16(`${prefix}.value.weight`, [S, S]),
    f32(`${prefix}.value.bias`, [S]),
    f16(`${prefix}.out.weight`, [S, S]),
    f32(`${prefix}.out.bias`, [S]),
  ];
  const block = (prefix: string) => [
    ...norm(`${prefix}.mlp_ln`),
    f16(`${prefix}.mlp.0.weight`, [S, 4 * S]),
    f32(`${prefix}.mlp.0.bias`, [4 * S]),
    f16(`${prefix}.mlp.2.weight`, [4 * S, S]),
    f32(`${prefix}.mlp.2.bias`, [S]),
    ...norm(`${prefix}.attn_ln`),
    ...attention(`${prefix}.attn`),
  ];
  const tensors: WhisperTensor[] = [
    f32('encoder.positional_embedding', [S, N_AUDIO_CTX]),
    f16('encoder.conv1.weight', [3, N_MELS, S]),
    f32('encoder.conv1.bias', [1, S]),
    f16('encoder.conv2.weight', [3, S, S]),
    f32('encoder.conv2.bias', [1, S]),
    ...norm('encoder.ln_post'),
  ];
  for (let i = 0; i < sh.layers; i++) tensors.push(...block(`encoder.blocks.${i}`));
  tensors.push(
    f32('decoder.positional_embedding', [S, N_TEXT_CTX]),
    f16('decoder.token_embedding.weight', [S, N_VOCAB]),
    ...norm('decoder.ln'),
  );
  for (let i = 0; i < sh.layers; i++) {
    tensors.push(
      ...block(`decoder.blocks.${i}`),
      ...norm(`decoder.blocks.${i}.cross_attn_ln`),
      ...attention(`decoder.blocks.${i}.cross_attn`),
    );
  }
  return tensors;
}

/** Byte-level tokens for the first 256 ids, then short syllables: enough for whisper.cpp to print text. */
function vocabulary(): Buffer[] {
  const syllables = ['a', 'e', 'i', 'o', 'u'].flatMap((v) =>
    ['b', 'd', 'k', 'l', 'm', 'n', 'r', 's', 't'].map((c) => c + v),
  );
  return Array.from({ length: 50_257 }, (_, i) =>
    Buffer.from(
      i < 256
        ? String.fromCharCode(i < 33 ? 32 : i)
        : ` ${syllables[i % syllables.length]}${syllables[(i * 7) % syllables.length]}`,
      'latin1',
    ),
  );
}

/** Writes the model; same seed and size, same bytes. Returns the file size. */
export async function writeDemoWhisper(path: string, opts: { seed: string; bytes?: number }): Promise<number> {
  const sh = whisperShapeForSize(opts.bytes ?? 0);
  const filters = Buffer.alloc(N_MELS * N_FFT * 4);
  for (let m = 0; m < N_MELS; m++) filters.writeFloatLE(0.02, (m * N_FFT + Math.min(N_FFT - 1, 2 * m + 1)) * 4);
  const side = { state: sh.state, head: sh.heads, layer: sh.layers };
  return writeWhisper(path, {
    hparams: {
      n_vocab: N_VOCAB,
      n_audio_ctx: N_AUDIO_CTX,
      n_audio_state: side.state,
      n_audio_head: side.head,
      n_audio_layer: side.layer,
      n_text_ctx: N_TEXT_CTX,
      n_text_state: side.state,
      n_text_head: side.head,
      n_text_layer: side.layer,
      n_mels: N_MELS,
      ftype: 1,
    },
    filters: { mels: N_MELS, bins: N_FFT, data: filters },
    vocabulary: vocabulary(),
    tensors: whisperTensors(sh, opts.seed),
  });
}
