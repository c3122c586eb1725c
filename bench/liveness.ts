// Issue 15's figures: how long a hung server (SIGSTOP) goes unnoticed under the default watchdog (median over runs,
// against the bound period × failures + timeout), how long until it serves again, and what the watchdog costs in
// request latency (off, the default, and a 100 ms heartbeat), measured interleaved in one run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../common/config/load.js';
import type { SupervisorEvent } from '../src/supervisor/events.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import { configYaml, demoLlama, median, round, saveResult, waitFor } from './lib.js';

const DIR = resolve('.modelctl/bench/liveness');
const PORTS: Record<string, number> = { default: 18231, off: 18232, fast: 18233 };

async function stack(name: string, liveness: object | 'off'): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  const model = await demoLlama(join(DIR, 'chat.gguf'), { name: 'chat', bytes: 2e6, seed: 'c' });
  const file = join(DIR, `${name}.yaml`);
  const llm = { kind: 'llm', port: PORTS[name], liveness, models: [{ name: 'chat', path: model }] };
  writeFileSync(file, configYaml({ servers: { llm } }));
  return file;
}

async function upStack(file: string) {
  const sup = new Supervisor(loadConfig(file), { budgetMs: 60_000, graceMs: 2000, watch: true });
  const events: (SupervisorEvent & { wall: number })[] = [];
  sup.on('event', (e: SupervisorEvent) => events.push({ ...e, wall: performance.now() }));
  await sup.up();
  return { sup, events };
}

/** SIGSTOP the ready server; ms until modelctl calls it hung, and until it is ready again. */
async function detectOnce(file: string) {
  const { sup, events } = await upStack(file);
  const stoppedAt = performance.now();
  process.kill(sup.servers[0]!.proc!.pid!, 'SIGSTOP');
  try {
    const hung = await waitFor('the server called hung', () =>
      events.find((e) => e.type === 'state' && e.state === 'hung'),
    );
    const ready = await waitFor('the server ready again', () =>
      events.find((e) => e.type === 'state' && e.state === 'ready' && e.wall > hung.wall),
    );
    return { detectMs: hung.wall - stoppedAt, backMs: ready.wall - stoppedAt };
  } finally {
    await sup.shutdown();
  }
}

async function requestLatencies(file: string, n: number): Promise<number[]> {
  const { sup } = await upStack(file);
  const port = sup.servers[0]!.config.port;
  const body = JSON.stringify({ model: 'chat', prompt: 'hi', max_tokens: 1 });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await res.arrayBuffer();
    times.push(performance.now() - t);
  }
  await sup.shutdown();
  return times;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

export async function benchLiveness(opts: { runs: number; requests: number; reps: number }) {
  const defaults = await stack('default', { period: '5s', timeout: '2s', failures: 3 });
  const detections = [];
  for (let i = 0; i < opts.runs; i++) detections.push(await detectOnce(defaults));
  const variants = {
    off: await stack('off', 'off'),
    default: defaults,
    every100ms: await stack('fast', { period: '100ms', timeout: '1s', failures: 3 }),
  };
  const latency: Record<string, number[]> = { off: [], default: [], every100ms: [] };
  for (let r = 0; r < opts.reps; r++) {
    for (const [name, file] of Object.entries(variants))
      latency[name]!.push(...(await requestLatencies(file, opts.requests)));
  }
  const stats = Object.fromEntries(
    Object.entries(latency).map(([k, v]) => [k, { medianMs: round(median(v), 2), p95Ms: round(p95(v), 2) }]),
  );
  const result = {
    bench: 'liveness',
    command: `npm run bench -- --only liveness --runs ${opts.runs} --reps ${opts.reps}`,
    detection: {
      settings: 'period 5 s, timeout 2 s, failures 3: bound period × failures + timeout = 17 s',
      medianDetectMs: round(median(detections.map((d) => d.detectMs))),
      maxDetectMs: round(Math.max(...detections.map((d) => d.detectMs))),
      medianServingAgainMs: round(median(detections.map((d) => d.backMs))),
      runs: detections.length,
    },
    requestLatency: stats,
    ratios: {
      defaultVsOff: round(stats.default!.medianMs / stats.off!.medianMs, 3),
      every100msVsOff: round(stats.every100ms!.medianMs / stats.off!.medianMs, 3),
    },
    note: 'request latency: sequential 1-token completions on a 2 MB model; ratios above 1 are what the watchdog costs',
  };
  saveResult('liveness', result);
  return result;
}
