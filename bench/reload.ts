// Issue 14's benchmark: what applying a one-model change costs with `modelctl reload`, against a full cold start of the
// same stack (3 LLM models of `sizeBytes` + the ASR/OCR server), interleaved in one run. Each rep: `up -d` (the cold
// start), `reload` with one LLM model's file changed, `down`. Both are timed as the operator sees them (the command,
// from spawn to exit) and as the supervisor measured them (spawn → ready; config read → applied).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { configYaml, demoLlama, median, round, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench-reload');
const CLI = resolve('bin/modelctl.js');
const MODELS = ['chat', 'code', 'summarize'];

/** Runs the CLI; returns its wall-clock time and its JSON lines. */
async function timed(args: string[]): Promise<{ ms: number; lines: Record<string, unknown>[] }> {
  const started = performance.now();
  const r = await execa('node', [CLI, ...args], { reject: false, env: { NO_COLOR: '1' } });
  const ms = performance.now() - started;
  if (r.exitCode !== 0) throw new Error(`modelctl ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { ms, lines };
}

export async function benchReload(opts: { reps: number; sizeBytes: number }) {
  mkdirSync(DIR, { recursive: true });
  const file = (name: string) => join(DIR, `${name}-${opts.sizeBytes}.gguf`);
  for (const name of [...MODELS, 'chat-v2']) await demoLlama(file(name), { name, bytes: opts.sizeBytes, seed: name });
  const config = join(DIR, 'models.yaml');
  const write = (chatFile: string) =>
    writeFileSync(
      config,
      configYaml({
        servers: {
          llm: {
            kind: 'llm',
            port: 18281,
            models: MODELS.map((m) => ({ name: m, path: m === 'chat' ? chatFile : file(m) })),
          },
          'asr-ocr': {
            kind: 'asr-ocr',
            port: 18282,
            models: [
              { name: 'speech', type: 'asr', path: join(DIR, 'whisper.bin'), source: 'demo:whisper' },
              { name: 'ocr', type: 'ocr' },
            ],
          },
        },
      }),
    );
  write(file('chat'));
  await timed(['pull', '-c', config]);

  const samples = {
    upMs: [] as number[],
    reloadMs: [] as number[],
    coldStartMs: [] as number[],
    appliedMs: [] as number[],
  };
  for (let rep = 0; rep < opts.reps; rep++) {
    write(file('chat'));
    const up = await timed(['up', '-d', '-c', config, '--no-pull', '--json']);
    samples.upMs.push(up.ms);
    samples.coldStartMs.push(Number(up.lines.find((l) => l.type === 'result')!.coldStartMs));
    try {
      write(file('chat-v2'));
      const reload = await timed(['reload', '-c', config, '--no-pull', '--json']);
      const applied = reload.lines.find((l) => l.type === 'reloaded' && l.ok === true);
      if (!applied) throw new Error(`the reload did not apply: ${JSON.stringify(reload.lines.at(-1))}`);
      samples.reloadMs.push(reload.ms);
      samples.appliedMs.push(Number(applied.ms));
    } finally {
      await timed(['down', '-c', config]);
    }
  }
  const med = (xs: number[]) => round(median(xs));
  const result = {
    bench: 'reload',
    command: `npm run bench -- --only reload --size ${opts.sizeBytes} --reps ${opts.reps}`,
    stack: `3 × ${round(opts.sizeBytes / 1e6)} MB LLM models + the ASR/OCR server (whisper demo + Tesseract eng)`,
    change: 'one LLM model file (swapped side by side: the old copy serves until the new one is ready)',
    reps: opts.reps,
    medians: {
      /** `modelctl up -d`, spawn to exit: a full cold start as the operator waits for it. */
      coldStartCommandMs: med(samples.upMs),
      /** `modelctl reload`, spawn to exit. */
      reloadCommandMs: med(samples.reloadMs),
      /** The supervisor's figures: spawn → every server ready; config read → applied. */
      coldStartMs: med(samples.coldStartMs),
      reloadAppliedMs: med(samples.appliedMs),
    },
    ratio: {
      /** How many times faster a one-model change applies than a cold start (commands, as waited for). */
      command: round(median(samples.upMs) / median(samples.reloadMs), 1),
      supervisor: round(median(samples.coldStartMs) / median(samples.appliedMs), 1),
    },
    samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => round(x))])),
  };
  saveResult(`reload-${opts.sizeBytes}`, result);
  return result;
}
