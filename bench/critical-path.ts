// Issue 19's question: do critical-path priorities pay? While the stack starts, the supervisor runs the servers that
// were ready sooner last time at lower CPU priority (src/supervisor/policies/critical-path.ts, on by default, only
// where it may raise a priority again: root or CAP_SYS_NICE). The whole stack's cold start with it on and off, taking
// turns run by run, on the default stack (models.yaml as shipped) and on three 1 GB LLM models beside the ASR/OCR
// server. Driven through the Supervisor's public options only (`scheduleByCriticalPath`), as `coldstart-test` does.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../common/config/load.js';
import { waitUntilGone } from '../common/processes.js';
import { pullMissing } from '../src/pull-first.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { configYaml, demoLlama, median, modelEntries, round, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench/critical-path');

/** What the bench reads of the supervisor's events (kept structural: the event types are being reworked). */
type Seen = { type: string; server?: string; pid?: number; state?: string; at?: number };

interface Run {
  coldStartMs: number;
  /** Servers whose process ran below the supervisor's priority while it started. */
  lowered: string[];
  readyMs: Record<string, number>;
}

/** The niceness of a process's main thread (field 19 of /proc/<pid>/stat); undefined once it is gone. */
function niceness(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return undefined;
  }
}

/** One cold start of the stack in `file`, priorities by critical path on or off; every process gone after. */
async function coldStart(file: string, scheduleByCriticalPath: boolean): Promise<Run> {
  const config = loadConfig(file);
  const sup = new Supervisor(config, { budgetMs: 120_000, scheduleByCriticalPath });
  const pids: number[] = [];
  const lowered = new Set<string>();
  const readyMs: Record<string, number> = {};
  const own = getPriority();
  sup.on('event', (e: Seen) => {
    if (e.type === 'spawned' && e.pid) {
      pids.push(e.pid);
      // The policy lowers a server right after it is spawned and restores it once ready (seconds later).
      setTimeout(() => (niceness(e.pid!) ?? own) > own && lowered.add(e.server!), 150);
    }
    if (e.type === 'state' && e.state === 'ready' && e.at !== undefined) readyMs[e.server!] = round(e.at);
  });
  const started = performance.now();
  const ready = await sup.up().then(
    () => performance.now() - started,
    (err: unknown) => err as Error,
  );
  await sup.shutdown();
  const left = await waitUntilGone(pids, 10_000);
  if (ready instanceof Error) throw ready;
  if (left.length > 0) throw new Error(`processes left running after stop: ${left.join(', ')}`);
  return { coldStartMs: round(ready), lowered: [...lowered].sort(), readyMs };
}

/** The shipped models.yaml with its own ports and folder (so its timing logs, the policy's history, are its own). */
function defaultStackShape(): { servers: Record<string, { port: number; models: object[] }> } {
  const shape = parse(readFileSync('models.yaml', 'utf8')) as ReturnType<typeof defaultStackShape>;
  Object.values(shape.servers).forEach((s, i) => (s.port = 18_311 + i));
  return shape;
}

async function writeStack(name: string, shape: object): Promise<string> {
  const dir = join(DIR, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'models.yaml');
  writeFileSync(file, configYaml(shape));
  await pullMissing(loadConfig(file), { quiet: true, out: () => {} });
  return file;
}

/** The stacks: the default one, and the same with three `llmBytes` LLM models instead of its three 2 MB ones. */
async function stacks(llmBytes: number) {
  const plain = defaultStackShape();
  const big = defaultStackShape();
  const files = await Promise.all(
    [0, 1, 2].map((i) =>
      demoLlama(join(DIR, `llm-${i}-${llmBytes}.gguf`), { name: `m${i}`, bytes: llmBytes, seed: `cp${i}` }),
    ),
  );
  big.servers.llm!.models = modelEntries(files, 'm');
  Object.values(big.servers).forEach((s) => (s.port += 10));
  return [
    {
      label: 'default stack (models.yaml: 3 × 2 MB LLMs; whisper demo + OCR)',
      file: await writeStack('default', plain),
    },
    {
      label: `3 × ${llmBytes / 1e9} GB LLMs; whisper demo + OCR`,
      file: await writeStack(`llm-${llmBytes}`, big),
    },
  ];
}

/** Medians of each variant, the variants taking turns (their order swapped every run, so drift hits both alike). */
async function compare(file: string, runs: number) {
  await coldStart(file, true); // the policy needs a last cold start of every server; the page cache warms too
  const samples: Record<'on' | 'off', Run[]> = { on: [], off: [] };
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
    for (const variant of order) samples[variant].push(await coldStart(file, variant === 'on'));
  }
  const mid = (runs: Run[]) => round(median(runs.map((r) => r.coldStartMs)));
  const readyOf = (runs: Run[]) =>
    Object.fromEntries(Object.keys(runs[0]!.readyMs).map((s) => [s, round(median(runs.map((r) => r.readyMs[s]!)))]));
  const [on, off] = [mid(samples.on), mid(samples.off)];
  return {
    coldStartMs: { on, off },
    /** off / on: above 1 means the priorities make the stack ready sooner. */
    ratio: round(off / on, 3),
    gainPercent: round((100 * (off - on)) / off, 1),
    serverReadyMs: { on: readyOf(samples.on), off: readyOf(samples.off) },
    runsThatLowered: {
      on: samples.on.filter((r) => r.lowered.length > 0).length,
      off: samples.off.filter((r) => r.lowered.length > 0).length,
    },
    /** Per run with the policy on: the servers it lowered (the history is the previous run's, either variant's). */
    loweredByRun: samples.on.map((r) => r.lowered.join('+') || 'none'),
    samples: { on: samples.on.map((r) => r.coldStartMs), off: samples.off.map((r) => r.coldStartMs) },
  };
}

export async function benchCriticalPath(opts: { runs: number; llmBytes: number }) {
  const loadBefore = loadavg().map((l) => round(l, 1));
  const rows = [];
  for (const stack of await stacks(opts.llmBytes))
    rows.push({ stack: stack.label, ...(await compare(stack.file, opts.runs)) });
  const result = {
    bench: 'critical-path',
    command: `npm run bench -- --only critical-path --runs ${opts.runs}`,
    runsPerMedian: opts.runs,
    root: process.getuid?.() === 0,
    /** The machine's 1/5/15-minute load averages before and after: the policy competes with whatever else runs. */
    loadAverage: { before: loadBefore, after: loadavg().map((l) => round(l, 1)) },
    stacks: rows,
    note: [
      'ratio = cold start with priorities off / on (medians, the variants taking turns); above 1 means they pay.',
      'runsThatLowered counts the runs in which a server was seen below the supervisor priority 150 ms after spawn.',
    ].join(' '),
  };
  saveResult('critical-path', result);
  return result;
}
