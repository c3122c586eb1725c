// Writes a whisper.cpp ggml model file from its parts, streaming tensor data so a large model never sits in memory.
import { open } from 'node:fs/promises';
import { tensorBytes } from '../gguf/format.js';
import { HPARAMS, WHISPER_MAGIC, type WhisperHparams, type WhisperTensor } from './format.js';

export interface WhisperFile {
  hparams: WhisperHparams;
  /** n_mels × N_FFT little-endian f32 values. */
  filters: { mels: number; bins: number; data: Buffer };
  vocabulary: Buffer[];
  tensors: WhisperTensor[];
}

const i32s = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeInt32LE(v, i * 4));
  return b;
};

const CHUNK = 4 << 20;

/** Writes the file; returns its size in bytes. */
export async function writeWhisper(path: string, f: WhisperFile): Promise<number> {
  const fh = await open(path, 'w');
  let written = 0;
  const put = async (b: Buffer) => {
    written += (await fh.write(b)).bytesWritten;
  };
  try {
    await put(i32s(WHISPER_MAGIC, ...HPARAMS.map((k) => f.hparams[k])));
    await put(Buffer.concat([i32s(f.filters.mels, f.filters.bins), f.filters.data]));
    await put(Buffer.concat([i32s(f.vocabulary.length), ...f.vocabulary.flatMap((t) => [i32s(t.length), t])]));
    for (const t of f.tensors) {
      const name = Buffer.from(t.name);
      await put(Buffer.concat([i32s(t.dims.length, name.length, t.type, ...t.dims), name]));
      let left = tensorBytes(t);
      if (left === undefined) throw new Error(`tensor ${t.name}: unsupported type ${t.type}`);
      while (left > 0) {
        const chunk = Buffer.alloc(Math.min(left, CHUNK));
        t.fill(chunk);
        await put(chunk);
        left -= chunk.length;
      }
    }
    return written;
  } finally {
    await fh.close();
  }
}
