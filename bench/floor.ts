// Issue 11's benchmark: modelctl's cold start against the floor, what the same engines need to load the same files
// in two bare Node processes (no HTTP, no supervisor), interleaved in one run; per phase for the LLM server; and with
// --drop-caches, against max(runtime start, reading the files from disk).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa, execaNode } from 'execa';
import { loadConfig } from '../common/config/load.js';
import { defaultThreads } from '../common/config/resolve.js';
import type { TimingEvent } from '../common/timing/events.js';
import { measureColdStart } from '../src/coldstart/measure.js';
import { configYaml, demoLlama, demoWhisper, evictFromCache, median, modelEntries, round, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench/floor');

interface Phases {
  /** Process start to our code running, the runtime's import + start, the loads (with contexts). */
  start: number;
  runtime: number;
  loads: number;
}

async function files(bytes: number) {
  mkdirSync(DIR, { recursive: true });
  const llm: string[] = [];
  for (const n of ['floor-a', 'floor-b', 'floor-c']) {
    const f = join(DIR, `${n}-${bytes}.gguf`);
    llm.push(await demoLlama(f, { name: 'floor', bytes, seed: f }));
  }
  const whisper = await demoWhisper(join(DIR, 'floor-whisper.bin'), { seed: 'floor' });
  return { llm, whisper };
}

/** The floor: both bare processes at once; the slower one is the floor. */
async function bare(llm: string[], whisper: string) {
  const t0 = performance.now();
  const [l, a] = await Promise.all([
    execaNode('dist/bench/floor/bare-llm.js', [String(defaultThreads()), '1024', '2', ...llm]),
    execaNode('dist/bench/floor/bare-asr-ocr.js', [whisper]),
  ]).then((runs) => runs.map((r) => JSON.parse(String(r.stdout).trim().split('\n').at(-1)!)));
  const wall = performance.now() - t0;
  const phases: Phases = {
    start: l.codeAt,
    runtime: l.runtimeAt - l.codeAt,
    loads: l.loads.at(-1) - l.runtimeAt,
  };
  return { coldStartMs: wall, llmMs: l.doneAt, asrMs: a.doneAt, phases };
}

/** The real stack, measured as `coldstart-test` measures it; the LLM server's phases from its timing events. */
async function stack(configFile: string) {
  const config = loadConfig(configFile);
  const events: TimingEvent[] = [];
  const run = await measureColdStart(config, {
    budgetMs: 120_000,
    deadlineMs: 120_000,
    dropCaches: false,
    onEvent: (e) => {
      const ev = e as { type: string; server?: string; event?: TimingEvent };
      if (ev.type === 'timing' && ev.server === 'llm') events.push(ev.event!);
    },
  });
  if (!run.ok) throw new Error(run.reason);
  const at = (name: string) => events.find((e) => e.event === name)?.ms ?? NaN;
  const lastReady = Math.max(...events.filter((e) => e.event === 'ready').map((e) => e.ms ?? 0));
  const phases: Phases = {
    start: at('server_start'),
    runtime: at('runtime_ready') - at('server_start'),
    loads: lastReady - at('runtime_ready'),
  };
  return { coldStartMs: run.coldStartMs!, phases };
}

/** Reading the model files from a cold disk, one after another (what the loads cost at least). */
async function coldReadMs(paths: string[]): Promise<number> {
  await evictFromCache(paths);
  const t0 = performance.now();
  await execa('cat', paths, { stdout: 'ignore' });
  return performance.now() - t0;
}

const medianOf = (xs: number[]) => round(median(xs));
const phaseMedians = (runs: Phases[]) => ({
  start: medianOf(runs.map((p) => p.start)),
  runtime: medianOf(runs.map((p) => p.runtime)),
  loads: medianOf(runs.map((p) => p.loads)),
});

export async function benchFloor(opts: { runs: number; sizeBytes: number; dropCaches: boolean }) {
  const { llm, whisper } = await files(opts.sizeBytes);
  const speech = { name: 'speech', type: 'asr', path: whisper };
  const servers = {
    llm: { kind: 'llm', port: 18241, models: modelEntries(llm, 'm') },
    'asr-ocr': { kind: 'asr-ocr', port: 18242, models: [speech, { name: 'ocr', type: 'ocr' }] },
  };
  const configFile = join(DIR, 'floor.yaml');
  writeFileSync(configFile, configYaml({ servers }));
  const all = [...llm, whisper];
  const samples = { bare: [] as Awaited<ReturnType<typeof bare>>[], stack: [] as Awaited<ReturnType<typeof stack>>[] };
  const reads: number[] = [];
  for (let i = 0; i < opts.runs; i++) {
    const order = i % 2 === 0 ? (['bare', 'stack'] as const) : (['stack', 'bare'] as const);
    for (const variant of order) {
      if (opts.dropCaches) await evictFromCache(all);
      if (variant === 'bare') samples.bare.push(await bare(llm, whisper));
      else samples.stack.push(await stack(configFile));
    }
    if (opts.dropCaches) reads.push(await coldReadMs(llm));
  }
  const floorMs = medianOf(samples.bare.map((s) => s.coldStartMs));
  const stackMs = medianOf(samples.stack.map((s) => s.coldStartMs));
  const runtimeMs = medianOf(samples.bare.map((s) => s.phases.start + s.phases.runtime));
  const readMs = reads.length ? medianOf(reads) : undefined;
  const result = {
    bench: 'floor',
    command: `npm run bench -- --only floor --runs ${opts.runs}${opts.dropCaches ? ' --drop-caches' : ''}`,
    stack: '3 × demo GGUF (llm, defaults) + demo whisper and eng OCR (asr-ocr, defaults)',
    modelBytes: opts.sizeBytes,
    dropCaches: opts.dropCaches,
    runs: opts.runs,
    coldStartMs: { floor: floorMs, modelctl: stackMs },
    ratio: round(stackMs / floorMs, 2),
    llmPhasesMs: {
      modelctl: phaseMedians(samples.stack.map((s) => s.phases)),
      bare: phaseMedians(samples.bare.map((s) => s.phases)),
    },
    ...(readMs === undefined
      ? {}
      : { coldRead: { readMs, runtimeMs, ratioToMaxOfBoth: round(stackMs / Math.max(readMs, runtimeMs), 2) } }),
    note: 'ratio = modelctl / floor (medians); phases: process start → code, runtime import + start, the loads',
    samples,
  };
  saveResult(`floor${opts.dropCaches ? '-cold' : ''}`, result);
  return result;
}
