// What the ASR/OCR models will need in RAM. whisper.cpp: the weights (the file), the KV caches (self and cross
// attention, f16) and the compute buffers, which grow with the audio context (fitted to RSS measured on this machine:
// the 4 MB demo model +37 MiB, the 75 MB one +163 MiB after its first transcription). Tesseract: one worker, measured.
import type { WhisperHparams } from '../formats/whisper/format.js';
import type { MemoryEstimate } from './estimate.js';

/** One Tesseract worker with `eng` loaded (WebAssembly heap and data), measured: +165 MiB RSS. */
const TESSERACT_WORKER_BYTES = 170 * 2 ** 20;
/** Fixed part of whisper.cpp's compute buffers, and the part per audio-context × state cell. */
const WHISPER_COMPUTE_FIXED = 30 * 2 ** 20;
const WHISPER_COMPUTE_PER_CELL = 48;

export function estimateWhisper(h: WhisperHparams, fileBytes: number): MemoryEstimate {
  const f16 = 2;
  const kv = 2 * f16 * h.n_text_layer * h.n_text_state * (h.n_text_ctx + h.n_audio_ctx);
  const compute = WHISPER_COMPUTE_FIXED + WHISPER_COMPUTE_PER_CELL * h.n_audio_ctx * h.n_audio_state;
  return { bytes: fileBytes + kv + compute, parts: { weights: fileBytes, kv, compute } };
}

export function estimateOcr(): MemoryEstimate {
  return { bytes: TESSERACT_WORKER_BYTES, parts: { worker: TESSERACT_WORKER_BYTES } };
}
