// Walks a whisper.cpp ggml model end to end before whisper.cpp sees it: whisper.cpp accepts a truncated file as an
// "empty model".
import { FileCursor, withModelFile } from '../file-cursor.js';
import { tensorBytes } from '../gguf/format.js';
import {
  expectedTensorCount,
  HPARAMS,
  MIN_VOCAB,
  N_FFT,
  VALID_FTYPES,
  WHISPER_MAGIC,
  type WhisperHparams,
} from './format.js';
import { expectedWhisperTensors, tensorMismatch } from './tensors.js';

export class WhisperFileError extends Error {}

/** A whisper file that passed the check: its hyper-parameters and its size (no second stat needed). */
export interface CheckedWhisperFile {
  hparams: WhisperHparams;
  fileBytes: number;
}

/** Checks a whisper file end to end; returns its hyper-parameters. */
export async function checkWhisperFile(path: string): Promise<WhisperHparams> {
  return (await readWhisperFile(path)).hparams;
}

/** Checks a whisper file end to end; returns its hyper-parameters and size. */
export async function readWhisperFile(path: string): Promise<CheckedWhisperFile> {
  return withModelFile(path, WhisperFileError, async (fh, size) => {
    const c = new FileCursor(fh, size, WhisperFileError);
    if (size < 4 || (await c.u32()) !== WHISPER_MAGIC)
      throw new WhisperFileError('not a whisper.cpp ggml model (wrong magic bytes)');
    const h = {} as WhisperHparams;
    for (const k of HPARAMS) h[k] = await c.i32();
    const bad = HPARAMS.find((k) => k !== 'ftype' && !(h[k] > 0));
    if (bad) throw new WhisperFileError(`hyper-parameter ${bad} is ${h[bad]}`);
    if (h.n_audio_state !== h.n_text_state)
      throw new WhisperFileError('n_audio_state differs from n_text_state (whisper.cpp would abort)');
    if (h.n_audio_state % h.n_audio_head !== 0 || h.n_text_state % h.n_text_head !== 0)
      throw new WhisperFileError('state size is not a multiple of the head count');
    // Values that whisper.cpp asserts on (aborting the process) or reads out of bounds with, refused here first.
    if (!VALID_FTYPES.has(h.ftype % 1000))
      throw new WhisperFileError(`ftype ${h.ftype} is not a weight type whisper.cpp knows`);
    if (h.n_vocab < MIN_VOCAB)
      throw new WhisperFileError(
        `n_vocab ${h.n_vocab} is below ${MIN_VOCAB}: whisper.cpp's special tokens would fall outside it`,
      );
    const nMel = await c.i32();
    const nFft = await c.i32();
    if (nMel !== h.n_mels || nFft !== N_FFT)
      throw new WhisperFileError(`mel filters are ${nMel}×${nFft}, expected ${h.n_mels}×${N_FFT}`);
    c.skip(nMel * nFft * 4);
    const nTokens = await c.i32();
    // 51k tokens: their lengths come from the cursor's window, awaiting only when it must read the next one.
    for (let i = 0; i < nTokens; i++) c.skip((c.take(4) ?? (await c.need(4))).readUInt32LE(0));
    const records: { name: string; dims: number[]; type: number }[] = [];
    const seen = new Set<string>();
    while (c.pos < size) {
      const nDims = await c.i32();
      const nameLength = await c.i32();
      const type = await c.i32();
      if (nDims < 1 || nDims > 4 || nameLength < 1 || nameLength > 256)
        throw new WhisperFileError(`tensor record ${records.length} is malformed`);
      const dims: number[] = [];
      for (let d = 0; d < nDims; d++) dims.push(await c.i32());
      const name = (await c.need(nameLength)).toString('utf8');
      if (dims.some((d) => d < 1))
        throw new WhisperFileError(`tensor ${name} has a dimension below 1: ${dims.join('×')}`);
      // whisper.cpp counts records, not names: a duplicate could hide a missing tensor.
      if (seen.has(name)) throw new WhisperFileError(`tensor ${name} appears twice`);
      seen.add(name);
      const bytes = tensorBytes({ dims, type });
      if (bytes === undefined) throw new WhisperFileError(`tensor ${name} has unknown type ${type}`);
      try {
        c.skip(bytes);
      } catch {
        throw new WhisperFileError(`truncated: tensor ${name} needs ${bytes} bytes, ${size - c.pos} are left`);
      }
      records.push({ name, dims, type });
    }
    if (records.length !== expectedTensorCount(h))
      throw new WhisperFileError(
        `the file has ${records.length} tensors, whisper.cpp expects ${expectedTensorCount(h)}`,
      );
    // Only now, with the count bounded by the file, is the table of expected tensors small enough to build.
    const expected = expectedWhisperTensors(h);
    for (const r of records) {
      const why = tensorMismatch(expected, h, r);
      if (why) throw new WhisperFileError(why);
    }
    return { hparams: h, fileBytes: size };
  });
}
