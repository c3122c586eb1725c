import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HealthBody } from '../../common/protocol.js';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { ABORT_WORDS, writeInferenceAbortingGguf, writeLoadAbortingGguf } from '../../bench/mutants/aborting-models.js';
import { modelctl, type UpRun } from '../helpers/modelctl.js';
import { healthy, healthyOrExit, startServerFrom } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const GOOD = join(dir, 'good.gguf');

beforeAll(async () => {
  await writeDemoLlama(GOOD, { name: 'good', bytes: 1_000_000, seed: 'good' });
});

/** A stack of one LLM server in its own folder (its own crash memory): a good model and `bad`. */
async function stack(name: string, writeBad: (path: string) => unknown, badLine = '') {
  const home = join(dir, name);
  mkdirSync(home, { recursive: true });
  copyFileSync(GOOD, join(home, 'good.gguf'));
  await writeBad(join(home, 'bad.gguf'));
  const port = await freePort();
  const file = join(home, 'models.yaml');
  writeFileSync(
    file,
    `servers:
  llm:
    kind: llm
    port: ${port}
    restart: { policy: on-failure, max: 3, backoff: 100ms }
    models:
      - { name: good, path: good.gguf }
      - { name: bad, path: bad.gguf${badLine} }
`,
  );
  return { file, home, url: `http://127.0.0.1:${port}` };
}

const complete = (url: string, model: string) =>
  fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, prompt: 'hello', max_tokens: 2 }),
  });

const healthOf = async (url: string) => (await (await fetch(`${url}/health`)).json()) as HealthBody;
const restarts = (run: UpRun) => run.events.filter((e) => e.type === 'restart');
const summaryOf = (r: Record<string, unknown>) => r.summary as { model: string; state: string; attempts: number }[];

describe('a model that aborts llama.cpp while loading, under modelctl up', () => {
  it('is quarantined after exactly 2 attempts while the good model serves; Ctrl-C exits 1 naming it', async () => {
    const { file, url, home } = await stack('load-required', writeLoadAbortingGguf);
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    const result = await run.waitFor((e) => e.type === 'result', 60_000);
    expect(result).toMatchObject({ ok: true });
    expect(summaryOf(result).find((m) => m.model === 'bad')).toMatchObject({ state: 'quarantined', attempts: 2 });
    expect(restarts(run)).toHaveLength(2);
    expect(restarts(run).every((e) => e.delayMs === 0 && String(e.reason).includes('SIGABRT'))).toBe(true);

    const health = await healthOf(url);
    expect(health.status).toBe('degraded');
    const bad = health.models.find((m) => m.name === 'bad')!;
    expect(bad).toMatchObject({ state: 'quarantined', attempts: 2 });
    expect(bad.error).toContain(join(home, 'bad.gguf'));
    expect(bad.error).toContain(`while loading (SIGABRT: ${ABORT_WORDS}); quarantined`);
    expect((await complete(url, 'good')).status).toBe(200);
    const refused = await complete(url, 'bad');
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain('quarantined');

    run.child.kill('SIGINT');
    const done = await run.child;
    expect(done.exitCode).toBe(1);
    expect(String(done.stderr)).toMatch(/a required model is out: server llm: bad: .*bad\.gguf: crashed/);
  });

  it('ends with exit 0 when the quarantined model is not required', async () => {
    const { file } = await stack('load-optional', writeLoadAbortingGguf, ', required: false');
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    expect(await run.waitFor((e) => e.type === 'result', 60_000)).toMatchObject({ ok: true });
    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(0);
  });
});

describe('a model that aborts llama.cpp on its first request, under modelctl up', () => {
  it('crashes its server twice at most, then is quarantined while the good model serves', async () => {
    const { file, url } = await stack('first-request', writeInferenceAbortingGguf);
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 60_000);
    for (const n of [1, 2]) {
      await complete(url, 'bad').catch(() => undefined); // the server dies under this request
      const restart = await run.waitFor((e) => e.type === 'restart' && e.attempt === n, 30_000);
      await run.waitFor((e) => e.type === 'state' && e.state === 'ready' && Number(e.at) > Number(restart.at), 30_000);
    }
    const refused = await complete(url, 'bad');
    expect(refused.status).toBe(503);
    expect(await refused.text()).toContain(`on its first request (SIGABRT: ${ABORT_WORDS})`);
    expect((await complete(url, 'good')).status).toBe(200);
    expect((await healthOf(url)).status).toBe('degraded');
    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(1);
  });
});

describe('a server started alone, restarted by a loop as Kubernetes would', () => {
  it('serves the good model after at most two restarts and reports the bad one quarantined', async () => {
    const { file, home } = await stack('standalone', writeLoadAbortingGguf);
    const exits: (string | number)[] = [];
    let health: HealthBody | undefined;
    for (let start = 1; start <= 3 && !health; start++) {
      const server = startServerFrom('llm', file);
      const outcome = await healthyOrExit(server);
      if ('exit' in outcome) {
        exits.push(outcome.exit);
        continue;
      }
      health = outcome.health.body as HealthBody;
      expect((await complete(server.url, 'good')).status).toBe(200);
      server.child.kill('SIGTERM');
      await server.child;
    }
    expect(exits).toEqual(['SIGABRT', 'SIGABRT']);
    expect(health?.status).toBe('degraded');
    expect(health?.models.find((m) => m.name === 'bad')).toMatchObject({ state: 'quarantined', attempts: 2 });

    // A replaced file is a new file: the quarantine does not follow it.
    copyFileSync(join(home, 'good.gguf'), join(home, 'bad.gguf'));
    const server = startServerFrom('llm', file);
    expect((await healthy(server)).body.status).toBe('ok');
    server.child.kill('SIGTERM');
    await server.child;
  });
});

describe('the first-sight check (verify: first-load)', () => {
  it('catches a model that aborts on inference while it loads, before any request reaches it', async () => {
    const { file, url } = await stack('first-sight', writeInferenceAbortingGguf, ', verify: first-load');
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    const result = await run.waitFor((e) => e.type === 'result', 60_000);
    expect(summaryOf(result).find((m) => m.model === 'bad')).toMatchObject({ state: 'quarantined', attempts: 2 });
    const bad = (await healthOf(url)).models.find((m) => m.name === 'bad')!;
    expect(bad.error).toContain(`during its first-sight check (SIGABRT: ${ABORT_WORDS})`);
    run.child.kill('SIGINT');
    await run.child;
  });

  it('runs once per file: a later start skips it', async () => {
    const { file } = await stack('first-sight-once', writeDemoLlamaFile, ', verify: first-load');
    const checks = async () => {
      const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
      await run.waitFor((e) => e.type === 'result', 60_000);
      run.child.kill('SIGINT');
      await run.child;
      return run.events.filter((e) => e.type === 'timing' && (e.event as { event: string }).event === 'verify_end');
    };
    expect((await checks()).map((e) => (e.event as { model: string }).model)).toEqual(['bad']);
    expect(await checks()).toEqual([]);
  });
});

async function writeDemoLlamaFile(path: string): Promise<void> {
  await writeDemoLlama(path, { name: 'fine', bytes: 300_000, seed: 'fine' });
}
