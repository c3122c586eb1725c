// whisper.cpp speech-to-text through @fugood/whisper.node. A context runs one transcription at a time, so requests
// borrow one from a pool.
import type { WhisperContext } from '@fugood/whisper.node';
import type { LoadWatch } from '../core/engine.js';
import { ElasticPool } from '../core/native/pool.js';
import { readThrough } from '../core/load/read-through.js';

export interface Transcription {
  text: string;
  language: string;
  segments: { start: number; end: number; text: string }[];
}

export interface AsrModel {
  /** `signal` stops the transcription early (request timeout). */
  transcribe(pcm16k: ArrayBuffer, language: string | undefined, signal?: AbortSignal): Promise<Transcription>;
  close(): Promise<void>;
}

/**
 * Reads a checked file through (progress, and the page cache filled for whisper.cpp), then makes the first context.
 * whisper.cpp reports no progress of its own; it accepts a truncated file, so the caller checks it first
 * (common/formats/whisper/read.ts), once per attempt.
 */
export async function loadWhisper(
  file: string,
  parallel: number,
  threads: number,
  watch: LoadWatch,
): Promise<AsrModel> {
  await readThrough(file, (done, total) => watch.progress(done, total), watch.signal);
  const { initWhisper } = await import('@fugood/whisper.node');
  const contexts = new ElasticPool<WhisperContext>(() => initWhisper({ filePath: file, useGpu: false }), parallel);
  await contexts.start();
  return {
    transcribe: (pcm, language, signal) =>
      contexts.use(async (ctx) => {
        const job = ctx.transcribeData(pcm, { language: language ?? 'en', maxThreads: threads });
        signal?.addEventListener('abort', () => void job.stop(), { once: true });
        const r = await job.promise;
        return {
          text: r.result.trim(),
          language: r.language ?? language ?? 'en',
          // whisper.cpp reports segment times in 10 ms units.
          segments: r.segments.map((s) => ({ start: s.t0 / 100, end: s.t1 / 100, text: s.text.trim() })),
        };
      }),
    close: async () => {
      await Promise.all((await contexts.all()).map((c) => c.release()));
    },
  };
}
