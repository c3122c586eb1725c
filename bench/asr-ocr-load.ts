// Issue 3's benchmark: the ASR/OCR server's cold start with its cap of 2 vs one model at a time, same run.
import { join, resolve } from 'node:path';
import { compareVariants, configYaml, demoWhisper, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench');

export async function benchAsrOcrLoad(opts: { reps: number; whisperBytes: number }) {
  const whisper = await demoWhisper(join(DIR, `bench-whisper-${opts.whisperBytes}.bin`), {
    seed: 'bench',
    bytes: opts.whisperBytes,
  });
  const models = [
    { name: 'speech', type: 'asr', path: whisper },
    { name: 'ocr', type: 'ocr', language: 'eng' },
  ];
  const config = (concurrency: number) =>
    configYaml({ servers: { 'asr-ocr': { kind: 'asr-ocr', port: 18182, concurrency, models } } });
  const { medians, samples, ratio } = await compareVariants(
    'asr-ocr',
    DIR,
    [
      { name: 'sequential', config: config(1) },
      { name: 'parallel2', config: config(2) },
    ],
    opts.reps,
  );
  const result = {
    bench: 'asr-ocr-load',
    command: `npm run bench -- --only asr-ocr-load --reps ${opts.reps}`,
    whisperBytes: opts.whisperBytes,
    reps: opts.reps,
    medians,
    ratios: ratio('sequential', 'parallel2'),
    note: 'ratios are sequential / parallel: above 1 means the cap of 2 is faster',
    samples,
  };
  saveResult('asr-ocr-load', result);
  return result;
}
