// whisper.cpp speech-to-text through @fugood/whisper.node. A context runs one transcription at a time, so requests borrow one from a pool.
import { open } from 'node:fs/promises';
import type { WhisperContext } from '@fugood/whisper.node';
import { ElasticPool } from '../core/pool.js';

export interface Transcription {
  text: string;
  language: string;
  segments: { start: number; end: number; text: string }[];
}

export interface AsrModel {
  transcribe(pcm16k: ArrayBuffer, language: string | undefined): Promise<Transcription>;
  close(): Promise<void>;
}

/** whisper.cpp's legacy ggml magic, read as a little-endian u32. */
const GGML_MAGIC = 0x67676d6c;
const HPARAM_NAMES = ['n_vocab', 'n_audio_ctx', 'n_audio_state', 'n_audio_head', 'n_audio_layer', 'n_text_ctx', 'n_text_state', 'n_text_head', 'n_text_layer', 'n_mels', 'ftype'];

/** Checks magic and hyper-parameters before whisper.cpp sees the file, so a bad file fails with a reason. */
export async function checkWhisperHeader(file: string): Promise<void> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'file not found (run `modelctl pull`)' : `cannot open: ${code}`);
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) throw new Error('file is empty (0 bytes)');
    const head = Buffer.alloc(48);
    const { bytesRead } = await fh.read(head, 0, 48, 0);
    if (bytesRead < 4 || head.readUInt32LE(0) !== GGML_MAGIC) throw new Error('not a whisper.cpp ggml model (wrong magic bytes)');
    if (bytesRead < 48) throw new Error('truncated header');
    const hp = HPARAM_NAMES.map((_, i) => head.readInt32LE(4 + i * 4));
    const bad = HPARAM_NAMES.find((n, i) => n !== 'ftype' && !(hp[i]! > 0));
    if (bad) throw new Error(`hyper-parameter ${bad} is ${hp[HPARAM_NAMES.indexOf(bad)]}`);
    if (hp[2]! % hp[3]! !== 0 || hp[6]! % hp[7]! !== 0) throw new Error('state size is not a multiple of the head count');
  } finally {
    await fh.close();
  }
}

export async function loadWhisper(file: string, parallel: number, threads: number): Promise<AsrModel> {
  await checkWhisperHeader(file);
  const { initWhisper } = await import('@fugood/whisper.node');
  const contexts = new ElasticPool<WhisperContext>(() => initWhisper({ filePath: file, useGpu: false }), parallel);
  await contexts.start();
  return {
    transcribe: (pcm, language) => contexts.use(async (ctx) => {
      const r = await ctx.transcribeData(pcm, { language: language ?? 'en', maxThreads: threads }).promise;
      return {
        text: r.result.trim(),
        language: r.language ?? language ?? 'en',
        // whisper.cpp reports segment times in 10 ms units.
        segments: r.segments.map((s) => ({ start: s.t0 / 100, end: s.t1 / 100, text: s.text.trim() })),
      };
    }),
    close: async () => { await Promise.all((await contexts.all()).map((c) => c.release())); },
  };
}
