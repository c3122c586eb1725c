// Cold-start runs as measureColdStart returns them, for report tests: llm with model chat, ocr with model eng.
import type { RunResult } from '../../src/coldstart/measure.js';

export const run = (llmReady: number, chatLoad: number, ocrReady = 500): RunResult => ({
  ok: true,
  coldStartMs: Math.max(llmReady, ocrReady),
  servers: [
    {
      name: 'llm',
      readyMs: llmReady,
      state: 'ready',
      models: [{ name: 'chat', loadMs: chatLoad, attempts: 1, state: 'ready', readyMs: llmReady }],
    },
    {
      name: 'ocr',
      readyMs: ocrReady,
      state: 'ready',
      models: [{ name: 'eng', loadMs: 400, attempts: 1, state: 'ready', readyMs: ocrReady }],
    },
  ],
});

/** A run that failed: llm's model chat failed for good, with `reason`. */
export const failedRun = (reason: string): RunResult => ({
  ok: false,
  reason,
  servers: [{ name: 'llm', state: 'failed', models: [{ name: 'chat', attempts: 2, state: 'failed' }] }],
});
