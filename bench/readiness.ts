// Issue 4's benchmarks: how soon modelctl knows a server is ready (push vs polling, same server, same run),
// and modelctl's own overhead (`--version` wall time, `up` to first spawn) next to a bare `node -e 0`.
import { EventEmitter } from 'node:events';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa, execaNode } from 'execa';
import { waitUntilReady } from '../src/supervisor/readiness.js';
import { configYaml, median, round, saveResult } from './lib.js';

const DIR = resolve('.modelctl/bench');
const FAKE = resolve('test/fixtures/fake-server.mjs');
const CLI = resolve('bin/modelctl.js');

/** One fake server, three detectors watching it at once; returns each detector's delay after the real ready moment. */
async function detectOnce(port: number): Promise<Record<string, number>> {
  const child = execaNode(
    FAKE,
    ['--port', String(port), '--ready-after', String(300 + Math.floor(Math.random() * 200))],
    { ipc: true, stdout: 'ignore', reject: false },
  );
  const source = new EventEmitter();
  let readyAt = 0;
  child.on('message', (m: { type: string; at: number }) => {
    readyAt = m.at;
    source.emit('message', m);
  });
  const url = `http://127.0.0.1:${port}/health`;
  const seen: Record<string, number> = {};
  const watch = async (name: string, p: Promise<unknown>) => {
    await p;
    seen[name] = performance.timeOrigin + performance.now();
  };
  await Promise.all([
    watch('push', waitUntilReady(source, { timeoutMs: 10_000 })),
    watch('poll100', waitUntilReady(new EventEmitter(), { timeoutMs: 10_000, healthUrl: url, pollMs: 100 })),
    watch('poll250', waitUntilReady(new EventEmitter(), { timeoutMs: 10_000, healthUrl: url, pollMs: 250 })),
  ]);
  child.kill('SIGTERM');
  await child;
  return Object.fromEntries(Object.entries(seen).map(([k, t]) => [k, t - readyAt]));
}

async function wallMs(file: string, args: string[]): Promise<number> {
  const t = performance.now();
  await execa(file, args, { reject: false });
  return performance.now() - t;
}

/** From launching `modelctl up --json` to its first `spawned` event. */
async function upToFirstSpawn(config: string): Promise<number> {
  const t = performance.now();
  const child = execa('node', [CLI, 'up', '-c', config, '--json', '--no-pull'], { reject: false, buffer: false });
  const ms = await new Promise<number>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('"type":"spawned"')) resolve(performance.now() - t);
    });
  });
  child.kill('SIGINT');
  await child;
  return ms;
}

export async function benchReadiness(opts: { reps: number }) {
  const delays: Record<string, number[]> = { push: [], poll100: [], poll250: [] };
  for (let i = 0; i < opts.reps * 4; i++) {
    const d = await detectOnce(18_190);
    for (const k of Object.keys(delays)) delays[k]!.push(round(d[k]!, 1));
  }
  mkdirSync(DIR, { recursive: true });
  const config = join(DIR, 'bench-overhead.yaml');
  writeFileSync(config, configYaml({ servers: { a: { port: 18191, command: ['node', FAKE, '--port', '18191'] } } }));
  const overhead = { nodeBare: [] as number[], version: [] as number[], upToFirstSpawn: [] as number[] };
  for (let i = 0; i < opts.reps * 2; i++) {
    overhead.nodeBare.push(round(await wallMs('node', ['-e', '0'])));
    overhead.version.push(round(await wallMs('node', [CLI, '--version'])));
    overhead.upToFirstSpawn.push(round(await upToFirstSpawn(config)));
  }
  const med = (xs: number[]) => round(median(xs), 1);
  const result = {
    bench: 'readiness',
    command: `npm run bench -- --only readiness --reps ${opts.reps}`,
    detectionDelayMs: {
      push: med(delays.push!),
      poll100: med(delays.poll100!),
      poll250WaitOnStyle: med(delays.poll250!),
    },
    ratios: {
      poll250OverPush: round(med(delays.poll250!) / Math.max(0.1, med(delays.push!)), 1),
      poll100OverPush: round(med(delays.poll100!) / Math.max(0.1, med(delays.push!)), 1),
    },
    overheadMs: {
      nodeBare: med(overhead.nodeBare),
      version: med(overhead.version),
      upToFirstSpawn: med(overhead.upToFirstSpawn),
    },
    overheadRatios: {
      versionOverBareNode: round(med(overhead.version) / med(overhead.nodeBare), 2),
      upToFirstSpawnOverBareNode: round(med(overhead.upToFirstSpawn) / med(overhead.nodeBare), 2),
    },
    samples: { delays, overhead },
  };
  saveResult('readiness', result);
  return result;
}
