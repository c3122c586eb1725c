// Helpers every benchmark shares: medians and ratios, demo model files, real servers started and timed, waits with a
// deadline, page-cache eviction.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execaNode } from 'execa';
import { stringify } from 'yaml';
import { messageOf } from '../common/errors.js';
import type { ServerMessage } from '../common/protocol.js';
import type { TimingEvent } from '../common/timing/events.js';
import { writeDemoLlama } from '../src/models/demo-llama.js';
import { writeDemoWhisper } from '../src/models/demo-whisper.js';
import { writeAtomically } from '../src/models/file-ops.js';

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
/** A models.yaml text from plain data: benchmarks build configs as objects, not as hand-indented strings. */
export const configYaml = (config: object): string => stringify(config, { lineWidth: 0 });

/** Model entries `{ name: <prefix><i>, path }` for a list of files. */
export const modelEntries = (files: string[], prefix: string) =>
  files.map((path, i) => ({ name: `${prefix}${i}`, path }));

export const round = (n: number, digits = 0) => Number(n.toFixed(digits));

export { evictFromCache } from '../src/models/page-cache.js';

/** A demo GGUF at `file`, written once: later runs reuse it (the same name, size and seed give the same bytes). */
export async function demoLlama(file: string, opts: { name: string; bytes: number; seed: string }): Promise<string> {
  if (!existsSync(file)) await writeAtomically(file, (tmp) => writeDemoLlama(tmp, opts));
  return file;
}

/** A demo whisper model at `file`, written once, as demoLlama. */
export async function demoWhisper(file: string, opts: { seed: string; bytes?: number }): Promise<string> {
  if (!existsSync(file)) await writeAtomically(file, (tmp) => writeDemoWhisper(tmp, opts));
  return file;
}

/** Polls `get` every 20 ms until it returns a value; throws, naming `what`, once `timeoutMs` have passed. */
export async function waitFor<T>(what: string, get: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (performance.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface StartedServer {
  pid: number;
  /** Spawn to the server's ready signal, as a supervisor sees it. */
  readyMs: number;
  stop(): Promise<void>;
}

/**
 * Spawns a built server with a config file and waits for its IPC ready signal, passing on every message to
 * `onMessage`; rejects (the server killed) when it reports a failure or exits first.
 */
export async function startServer(
  kind: 'llm' | 'asr-ocr',
  config: string,
  onMessage: (m: ServerMessage, pid: number) => void = () => {},
): Promise<StartedServer> {
  const started = performance.now();
  const child = execaNode(`dist/servers/${kind}/main.js`, ['--config', config], {
    ipc: true,
    reject: false,
    stdout: 'ignore',
    stderr: 'pipe',
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await child;
  };
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      child.on('message', (m: ServerMessage) => {
        onMessage(m, child.pid!);
        if (m.type === 'ready') resolve(performance.now() - started);
        if (m.type === 'failed') reject(new Error(`${kind} server failed: ${m.error}`));
      });
      child.on('exit', (code, signal) => reject(new Error(`${kind} server exited (${signal ?? code}) before ready`)));
    });
    return { pid: child.pid!, readyMs, stop };
  } catch (err) {
    child.kill('SIGKILL');
    const { stderr } = await child;
    throw new Error(`${messageOf(err)}\n${String(stderr).slice(-2000)}`, { cause: err });
  }
}

export interface ServerRun {
  /** Spawn to the server's ready signal, as a supervisor sees it. */
  coldStartMs: number;
  /** First load_start to last load_end: the loads alone, without process and runtime start-up. */
  loadsMs: number;
  events: TimingEvent[];
}

/** Starts a built server with a config, waits for its IPC ready signal, stops it. */
export async function timeServerStart(kind: 'llm' | 'asr-ocr', dir: string, configText: string): Promise<ServerRun> {
  mkdirSync(dir, { recursive: true });
  const config = join(dir, `bench-${kind}.yaml`);
  writeFileSync(config, configText);
  const events: TimingEvent[] = [];
  const server = await startServer(kind, config, (m) => {
    if (m.type === 'timing') events.push(m.event);
  });
  await server.stop();
  const at = (e: TimingEvent) => Date.parse(e.ts);
  const starts = events.filter((e) => e.event === 'load_start').map(at);
  const ends = events.filter((e) => e.event === 'load_end').map(at);
  return { coldStartMs: server.readyMs, loadsMs: Math.max(...ends) - Math.min(...starts), events };
}

export function saveResult(name: string, result: unknown): void {
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

export interface Variant {
  name: string;
  config: string;
  /** Runs before each start of this variant (e.g. evicting model files from the page cache). */
  before?: () => Promise<void>;
}

type Figures = { coldStartMs: number; loadsMs: number };

/**
 * Starts a server under each variant `reps` times, interleaved so machine drift hits all alike; returns medians and
 * samples.
 */
export async function compareVariants(kind: 'llm' | 'asr-ocr', dir: string, variants: Variant[], reps: number) {
  const samples = Object.fromEntries(
    variants.map((v) => [v.name, { coldStartMs: [] as number[], loadsMs: [] as number[] }]),
  );
  for (let rep = 0; rep < reps; rep++) {
    for (const v of variants) {
      await v.before?.();
      const run = await timeServerStart(kind, dir, v.config);
      samples[v.name]!.coldStartMs.push(round(run.coldStartMs));
      samples[v.name]!.loadsMs.push(run.loadsMs);
    }
  }
  const medians: Record<string, Figures> = Object.fromEntries(
    variants.map((v) => [
      v.name,
      {
        coldStartMs: round(median(samples[v.name]!.coldStartMs)),
        loadsMs: round(median(samples[v.name]!.loadsMs)),
      },
    ]),
  );
  /** a / b of the medians: above 1 means b is faster. */
  const ratio = (a: string, b: string) => ({
    loads: round(medians[a]!.loadsMs / medians[b]!.loadsMs, 2),
    coldStart: round(medians[a]!.coldStartMs / medians[b]!.coldStartMs, 2),
  });
  return { medians, samples, ratio };
}
