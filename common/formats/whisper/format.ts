// whisper.cpp's legacy ggml model format, shared by the reader (file check) and the writer (demo models):
// magic, 11 int32 hyper-parameters, mel filters, vocabulary, then tensor records (dims, name, type, data).

export const WHISPER_MAGIC = 0x67676d6c; // "ggml" read as little-endian u32

/** The hyper-parameters in file order. */
export const HPARAMS = [
  'n_vocab',
  'n_audio_ctx',
  'n_audio_state',
  'n_audio_head',
  'n_audio_layer',
  'n_text_ctx',
  'n_text_state',
  'n_text_head',
  'n_text_layer',
  'n_mels',
  'ftype',
] as const;
export type WhisperHparams = Record<(typeof HPARAMS)[number], number>;

/** Frequency bins of each mel filter: whisper.cpp reads n_mels × 201 floats whatever the file says. */
export const N_FFT = 201;

/** The smallest vocabulary whisper.cpp indexes its special tokens in (the English-only size). */
export const MIN_VOCAB = 51864;

/** ftype % 1000 values whisper.cpp maps to a ggml type: F32, F16, Q4_0, Q4_1, Q8_0, Q5_0, Q5_1, BF16. */
export const VALID_FTYPES = new Set([0, 1, 2, 3, 7, 8, 9, 24]);

/** Tensors whisper_model_load requires: 11 global, 15 per encoder layer, 24 per decoder layer. */
export const expectedTensorCount = (h: WhisperHparams): number => 11 + 15 * h.n_audio_layer + 24 * h.n_text_layer;

/** One tensor record; `fill` writes its data a chunk at a time. */
export interface WhisperTensor {
  name: string;
  /** Innermost dimension first. */
  dims: number[];
  type: number;
  fill: (buf: Buffer) => void;
}
