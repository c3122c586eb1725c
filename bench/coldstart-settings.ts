// Issue 5's benchmark, the seed's question measured: the whole stack's cold start with today's defaults (cap 3/2, no
// warm-up, one retry after 0.5 s) vs the old settings (one at a time, warm-up, two retries after 1 s), at two model
// sizes,
// through `modelctl coldstart-test` itself; and how the cold start grows with the number of LLM models at the cap of 3.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { configYaml, demoLlama, demoWhisper, median, modelEntries, round, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench');
const CLI = resolve('bin/modelctl.js');

interface Settings {
  llmConcurrency: number;
  asrConcurrency: number;
  warmup: boolean;
  retries: number;
  retryDelay: string;
}
const DEFAULTS: Settings = { llmConcurrency: 3, asrConcurrency: 2, warmup: false, retries: 1, retryDelay: '0.5s' };
const OLD: Settings = { llmConcurrency: 1, asrConcurrency: 1, warmup: true, retries: 2, retryDelay: '1s' };
/** The old settings without warm-up: separates what parallel loading buys from what dropping warm-up buys. */
const OLD_NO_WARMUP: Settings = { ...OLD, warmup: false };

const llmFile = (i: number, bytes: number) =>
  demoLlama(join(DIR, `scale-${i}-${bytes}.gguf`), { name: `m${i}`, bytes, seed: `m${i}` });
const whisperFile = (bytes: number) => demoWhisper(join(DIR, `bench-whisper-${bytes}.bin`), { seed: 'bench', bytes });

function stackConfig(name: string, s: Settings, llm: string[], whisper?: string): string {
  const loading = { warmup: s.warmup, retries: s.retries, retryDelay: s.retryDelay };
  const servers: Record<string, object> = {
    llm: { kind: 'llm', port: 18201, concurrency: s.llmConcurrency, ...loading, models: modelEntries(llm, 'm') },
  };
  if (whisper) {
    const models = [
      { name: 'speech', type: 'asr', path: whisper },
      { name: 'ocr', type: 'ocr' },
    ];
    servers['asr-ocr'] = { kind: 'asr-ocr', port: 18202, concurrency: s.asrConcurrency, ...loading, models };
  }
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `${name}.yaml`);
  writeFileSync(file, configYaml({ servers }));
  return file;
}

/** Runs `modelctl coldstart-test --json` once and returns its cold start. */
async function coldstartTest(config: string): Promise<number> {
  const r = await execa('node', [CLI, 'coldstart-test', '-c', config, '--json', '--no-pull'], { reject: false });
  const report = JSON.parse(r.stdout) as { passed: boolean; coldStartMs: number; reason: string | null };
  if (!report.passed) throw new Error(`coldstart-test failed: ${report.reason}`);
  return report.coldStartMs;
}

/** Each config's median over `runs`, the configs taking turns within each run. */
async function interleaved(configs: string[], runs: number): Promise<number[]> {
  const samples = configs.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    for (const [i, config] of configs.entries()) samples[i]!.push(await coldstartTest(config));
  }
  return samples.map((xs) => round(median(xs), 1));
}

export async function benchColdstartSettings(opts: { runs: number; realisticBytes: number; scaleBytes: number }) {
  const sizes = [
    { label: 'demo (2 MB LLMs, 4 MB whisper)', llm: 2_000_000, whisper: 0 },
    {
      label: `realistic (${opts.realisticBytes / 1e6} MB LLMs, 75 MB whisper)`,
      llm: opts.realisticBytes,
      whisper: 75_000_000,
    },
  ];
  const settings = [];
  for (const size of sizes) {
    const llm = await Promise.all([0, 1, 2].map((i) => llmFile(i, size.llm)));
    const whisper = await whisperFile(size.whisper);
    const [fresh = NaN, old = NaN, sequential = NaN] = await interleaved(
      [
        stackConfig('settings-defaults', DEFAULTS, llm, whisper),
        stackConfig('settings-old', OLD, llm, whisper),
        stackConfig('settings-old-no-warmup', OLD_NO_WARMUP, llm, whisper),
      ],
      opts.runs,
    );
    settings.push({
      size: size.label,
      defaultsMs: fresh,
      oldSettingsMs: old,
      ratio: round(old / fresh, 2),
      oldWithoutWarmupMs: sequential,
      parallelOnlyRatio: round(sequential / fresh, 2),
      warmupOnlyRatio: round(old / sequential, 2),
    });
  }
  const counts = [1, 3, 6, 9];
  const scaleConfigs = [];
  for (const n of counts) {
    const llm = await Promise.all(Array.from({ length: n }, (_, i) => llmFile(i, opts.scaleBytes)));
    scaleConfigs.push(stackConfig(`scale-${n}`, DEFAULTS, llm));
  }
  const scaleMs = await interleaved(scaleConfigs, opts.runs);
  const scaling = counts.map((models, i) => ({ models, coldStartMs: scaleMs[i]! }));
  const result = {
    bench: 'coldstart-settings',
    command: `npm run bench -- --only coldstart-settings --runs ${opts.runs}`,
    runsPerMedian: opts.runs,
    defaults: DEFAULTS,
    oldSettings: OLD,
    settings,
    note: [
      'ratio = old settings / defaults (medians of single coldstart-test runs, the settings taking turns);',
      'above 1 means the defaults are faster. parallelOnlyRatio = old without warm-up / defaults (what the caps buy);',
      'warmupOnlyRatio = old / old without warm-up (what dropping warm-up buys)',
    ].join(' '),
    scaling: { modelBytes: opts.scaleBytes, concurrency: 3, rows: scaling },
  };
  saveResult('coldstart-settings', result);
  return result;
}
