import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { waitUntilGone } from '../../common/processes.js';
import type { TimingEvent } from '../../common/timing/events.js';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import type { StackState } from '../../src/supervisor/state-file.js';
import { modelctl } from '../helpers/modelctl.js';
import { needs, TOOLS } from '../helpers/needs.js';
import { healthy, settled, startServerFrom } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const MiB = 2 ** 20;
const MODELS = ['a', 'b', 'c'];

beforeAll(async () => {
  for (const name of MODELS) await writeDemoLlama(join(dir, `${name}.gguf`), { name, bytes: 200e6, seed: name });
  await writeDemoLlama(join(dir, 'small.gguf'), { name: 'small', bytes: 2e6, seed: 'small' });
}, 120_000);

async function config(name: string, lines: string[]): Promise<string> {
  mkdirSync(join(dir, name));
  const file = join(dir, name, 'models.yaml');
  const body = [
    'servers:',
    '  llm:',
    '    kind: llm',
    `    port: ${await freePort()}`,
    ...lines.map((l) => `    ${l}`),
  ];
  writeFileSync(file, `${body.join('\n')}\n`);
  return file;
}

const models = (...names: string[]) => [
  'models:',
  ...names.map((n) => `  - { name: ${n}, path: ${join(dir, `${n}.gguf`)} }`),
];
const timing = (file: string) =>
  readFileSync(join(file, '..', '.modelctl/logs/llm.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TimingEvent);

/** The largest RSS of a process, sampled every 20 ms until it exits. */
function watchRss(pid: number): { max: () => number } {
  let max = 0;
  const timer = setInterval(() => {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kb) max = Math.max(max, Number(kb) * 1024);
    } catch {
      clearInterval(timer);
    }
  }, 20);
  return { max: () => max };
}

describe('memory admission on a real server', () => {
  it('keeps three 200 MB models under a memoryLimit below what they would reserve at once', async () => {
    const probe = await config('plan', models(...MODELS));
    const plan = JSON.parse(String((await modelctl(['validate', '-c', probe, '--plan', '--json']).child).stdout));
    const estimate = plan.plan[0].loads[0].estimate.bytes as number;
    // Room for two estimates and one loaded model besides the runtime: all three fit one after another (a loaded
    // model takes less than its estimate), but not all three reserved at once.
    const limit = 150 * MiB + 2 * estimate + 0.8 * estimate + 64 * MiB;
    const file = await config('limit', [`memoryLimit: ${Math.round(limit)}`, ...models(...MODELS)]);
    const server = startServerFrom('llm', file);
    const rss = watchRss(server.child.pid!);
    await healthy(server, 50_000);
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill('SIGTERM');
    await server.child;
    const events = timing(file);
    expect(rss.max()).toBeGreaterThan(150 * MiB + 2 * 0.5 * estimate);
    expect(rss.max()).toBeLessThan(limit);
    expect(events.filter((e) => e.event === 'memory_wait').map((e) => e.model)).toHaveLength(1);
    expect(
      events
        .filter((e) => e.event === 'ready')
        .map((e) => e.model)
        .sort(),
    ).toEqual(MODELS);
    expect(events.find((e) => e.event === 'server_ready')?.ms).toBeGreaterThan(0);
  });

  it('fails at once a model larger than the limit, naming both numbers, and the others serve', async () => {
    const file = await config('too-big', ['memoryLimit: 400MB', 'restart: { policy: off }', ...models('small', 'a')]);
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    const result = await run.waitFor((e) => e.type === 'result', 60_000);
    expect(result).toMatchObject({ ok: false, exitCode: 1 });
    expect(result.error).toMatch(
      /^server llm: a: needs \d+ MiB \(weights \d+ MiB, kv \d+ MiB, compute \d+ MiB\); \d+ MiB available \(memoryLimit, less the runtime and a margin\)$/,
    );
    const failed = run.events.find((e) => e.type === 'timing' && (e.event as TimingEvent).event === 'failed');
    expect((failed!.event as TimingEvent).attempt).toBe(1);
    expect((await run.child).exitCode).toBe(1);
    // The server itself keeps serving the model that fits.
    const server = startServerFrom('llm', file);
    const { body } = await settled(server);
    expect(body.models.map((m) => [m.name, m.state, m.attempts])).toEqual([
      ['small', 'ready', 1],
      ['a', 'failed', 1],
    ]);
    const answer = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'small', prompt: 'hi', max_tokens: 2 }),
    });
    expect(answer.status).toBe(200);
    server.child.kill('SIGTERM');
    await server.child;
  });
});

describe('a load that makes no progress', () => {
  it('fails its attempt after stallTimeout, then its retry, long before the budget', async () => {
    const fifo = join(dir, 'dead-mount.gguf');
    execFileSync('mkfifo', [fifo]);
    const file = await config('stall', [
      'stallTimeout: 1s',
      'retryDelay: 100ms',
      'models:',
      `  - { name: small, path: ${join(dir, 'small.gguf')} }`,
      `  - { name: stuck, path: ${fifo}, required: false }`,
    ]);
    const run = modelctl(['up', '-c', file, '--json', '--no-pull', '--budget', '60s']);
    const failed = await run.waitFor(
      (e) =>
        e.type === 'timing' &&
        (e.event as TimingEvent).event === 'failed' &&
        (e.event as TimingEvent).model === 'stuck',
      30_000,
    );
    expect((failed.event as TimingEvent).error).toBe('no progress for 1 s (nothing was read)');
    expect((failed.event as TimingEvent).attempt).toBe(2);
    expect(Number(failed.at)).toBeLessThan(20_000);
    // The supervisor dies without a word; the server, whose first attempt is still blocked opening the FIFO (a
    // thread process.exit would wait for), must not stay behind.
    const state = JSON.parse(readFileSync(join(file, '..', '.modelctl/state.json'), 'utf8')) as StackState;
    const pids = state.servers.flatMap((s) => s.pids);
    expect(pids.length).toBeGreaterThan(0);
    run.child.kill('SIGKILL');
    await run.child.catch(() => {});
    expect(await waitUntilGone(pids, 10_000)).toEqual([]);
  });
});

describe('progress of a big load', () => {
  const big = join(dir, 'big.gguf');
  beforeAll(async () => {
    await writeDemoLlama(big, { name: 'big', bytes: 1e9, seed: 'big' });
  }, 120_000);

  it('streams load_progress events in --json, at most ~4 a second', async () => {
    const file = await config('progress-json', ['models:', `  - { name: big, path: ${big} }`]);
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 90_000);
    const progress = run.events
      .filter((e) => e.type === 'timing' && (e.event as TimingEvent).event === 'load_progress')
      .map((e) => e.event as TimingEvent);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toMatchObject({ model: 'big', fraction: 1, total: expect.any(Number) });
    const ms = progress.map((e) => Date.parse(e.ts));
    const gaps = ms.slice(1).map((t, i) => t - ms[i]!);
    expect(gaps.slice(0, -1).every((g) => g >= 240)).toBe(true);
    run.child.kill('SIGINT');
    await run.child;
  });

  it('shows a progress bar in the live view on a terminal', async (ctx) => {
    await needs(ctx, TOOLS.tmux);
    const file = await config('progress-tty', ['models:', `  - { name: big, path: ${big} }`]);
    const session = `modelctl-${process.pid}`;
    const cli = join(process.cwd(), 'bin/modelctl.js');
    execFileSync('tmux', [
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '140',
      '-y',
      '20',
      `node ${cli} up -c ${file} --no-pull`,
    ]);
    try {
      const bar = /big\s+loading\s+\[[█░]{20}\]\s+\d+%\s+[\d.]+ [kMG]?B\/s\s+ETA \d/;
      let screen = '';
      for (let i = 0; i < 600 && !bar.test(screen); i++) {
        screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(screen).toMatch(bar);
    } finally {
      execFileSync('tmux', ['send-keys', '-t', session, 'C-c']);
      await new Promise((r) => setTimeout(r, 1500));
      await execa('tmux', ['kill-session', '-t', session], { reject: false });
    }
  });
});
