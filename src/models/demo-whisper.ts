// Synthesizes a random-weight whisper.cpp model in its legacy ggml format: whisper.cpp loads and runs it (the text is
// nonsense).
// Tensor names, shapes, types and order are whisper_model_load's, from the table the file checks use too.
import { TensorType, tensorBytes } from '../../common/formats/gguf/format.js';
import { MIN_VOCAB, N_FFT, type WhisperHparams, type WhisperTensor } from '../../common/formats/whisper/format.js';
import { expectedWhisperTensors } from '../../common/formats/whisper/tensors.js';
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

/** The hyper-parameters of a model with this shape: encoder and decoder alike, f16 weights (ftype 1). */
function hparamsOf(sh: WhisperShape): WhisperHparams {
  return {
    n_vocab: N_VOCAB,
    n_audio_ctx: N_AUDIO_CTX,
    n_audio_state: sh.state,
    n_audio_head: sh.heads,
    n_audio_layer: sh.layers,
    n_text_ctx: N_TEXT_CTX,
    n_text_state: sh.state,
    n_text_head: sh.heads,
    n_text_layer: sh.layers,
    n_mels: N_MELS,
    ftype: 1,
  };
}

/** Bytes of the tensors of a model with this shape. */
function bytesOf(sh: WhisperShape): number {
  let sum = 0;
  for (const t of expectedWhisperTensors(hparamsOf(sh)).values()) sum += tensorBytes(t)!;
  return sum;
}

/** The widest state that fits `bytes` with at least one layer per side, then as many layers as fit. */
export function whisperShapeForSize(bytes: number): WhisperShape {
  const shape = (state: number, layers: number) => ({ state, heads: Math.max(1, state / 64), layers });
  let state = STATES[0]!;
  for (const s of STATES) if (bytesOf(shape(s, 1)) <= bytes) state = s;
  let layers = 1;
  while (bytesOf(shape(state, layers + 1)) <= bytes && layers < 32) layers += 1;
  return shape(state, layers);
}

/** Layer norms start as the identity (weights 1). */
const LAYER_NORM_WEIGHT = /ln(_post)?\.weight$/;

const zeros = (buf: Buffer) => {
  buf.fill(0);
};

/**
 * The tensors whisper_model_load expects, in its order: random f16 weights (from the seed, in file order), layer
 * norms of ones, every other f32 zero.
 */
export function whisperTensors(sh: WhisperShape, seed: string): WhisperTensor[] {
  const weights = f16Random(seededBytes(seed));
  return [...expectedWhisperTensors(hparamsOf(sh))].map(([name, { dims, type }]) => ({
    name,
    dims,
    type,
    fill: type === TensorType.F16 ? weights : LAYER_NORM_WEIGHT.test(name) ? f32Ones : zeros,
  }));
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
  return writeWhisper(path, {
    hparams: hparamsOf(sh),
    filters: { mels: N_MELS, bins: N_FFT, data: filters },
    vocabulary: vocabulary(),
    tensors: whisperTensors(sh, opts.seed),
  });
}
