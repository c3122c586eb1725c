import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { modelGate } from '../helpers/gate.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { modelctl } from '../helpers/modelctl.js';
import { health, startServer, until, type RunningServer, settled } from '../helpers/server.js';

const dir = tempDir();

beforeAll(async () => {
  for (const name of ['fast', 'other', 'late.real', 'optional.real'])
    await writeDemoLlama(join(dir, `${name}.gguf`), { name, bytes: 500_000, seed: name });
  writeFileSync(join(dir, 'corrupt.gguf'), 'not a model');
});

/** Starts an LLM server on `port` with these model entries and server settings (YAML flow lines). */
const llmServer = (port: number, models: string[], settings: string[] = []) =>
  startServer(
    'llm',
    ['servers:', '  llm:', '    kind: llm', `    port: ${port}`, ...settings.map((s) => `    ${s}`), '    models:']
      .concat(models.map((m) => `      - ${m}`))
      .join('\n'),
    dir,
    port,
  );

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** One request on a fresh TCP connection (no keep-alive), like a new client. */
function freshConnection(url: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Reads one sample from Prometheus text. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

describe('serving before everything is loaded', () => {
  it('up --wait serving returns while a later model still loads, and the ready model serves meanwhile', async () => {
    // The late model's file is a gate: it stays loading until the test opens it, however long the checks take.
    const gate = modelGate(join(dir, 'late.gguf'));
    const port = await freePort();
    const config = join(dir, 'progressive.yaml');
    writeFileSync(
      config,
      `
servers:
  llm:
    kind: llm
    port: ${port}
    retryDelay: 100ms
    models:
      - { name: fast, path: fast.gguf, priority: 0 }
      - { name: late, path: late.gguf, priority: 1 }
`,
    );
    const run = modelctl(['up', '-c', config, '--wait', 'serving', '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 60_000);
    const url = `http://127.0.0.1:${port}`;
    const strict = await fetch(`${url}/health`);
    expect(strict.status).toBe(503);
    expect(((await strict.json()) as { status: string }).status).toBe('serving');
    expect((await fetch(`${url}/health?ready=any`)).status).toBe(200);
    expect((await post(`${url}/v1/completions`, { model: 'fast', prompt: 'hi', max_tokens: 3 })).status).toBe(200);
    const waiting = await post(`${url}/v1/completions`, { model: 'late', prompt: 'hi' });
    expect(waiting.status).toBe(503);
    expect(waiting.headers.get('retry-after')).toBe('1');
    gate.release(join(dir, 'late.real.gguf'));
    await run.waitFor((e) => e.type === 'loaded' && e.server === 'llm', 20_000);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(0);
  });

  it('keeps a server ok when a model that is not required fails, and reports the failure', async () => {
    const port = await freePort();
    const models = ['{ name: fast, path: fast.gguf }', '{ name: extra, path: corrupt.gguf, required: false }'];
    const server = llmServer(port, models, ['retryDelay: 100ms']);
    const h = await settled(server);
    expect(h.code).toBe(200);
    expect(h.body.status).toBe('ok');
    expect(h.body.models[1]).toMatchObject({
      name: 'extra',
      state: 'failed',
      attempts: 2,
      error: expect.stringContaining('corrupt.gguf'),
    });
  });
});

describe('a model that is not required', () => {
  it('does not hold its server back: ready (with its cold start metric) while it still loads', async () => {
    // Before: the server waited for every model, required or not, so an optional model's retry set the cold start.
    const gate = modelGate(join(dir, 'optional.gguf'));
    const port = await freePort();
    const server = llmServer(port, [
      '{ name: fast, path: fast.gguf }',
      '{ name: optional, path: optional.gguf, required: false }',
    ]);
    const ready = await until(async () => {
      const r = await health(server);
      return r.code === 200 ? r : undefined;
    }, server);
    expect(ready.body.models.map((m) => m.state)).toEqual(['ready', 'loading']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^cold_start_seconds\{server="llm"\} [\d.]+$/m);
    gate.release(join(dir, 'optional.real.gguf'));
    await until(async () => ((await health(server)).body.models[1]!.state === 'ready' ? true : undefined), server);
    const out = server.output();
    const [serverReady, optionalReady] = [out.indexOf('llm ready: cold start'), out.indexOf('optional ready in')];
    expect(serverReady).toBeGreaterThanOrEqual(0);
    expect(optionalReady).toBeGreaterThan(serverReady);
  });
});

describe('warm-up once, and metrics', () => {
  let warm: RunningServer;
  beforeAll(async () => {
    const port = await freePort();
    warm = llmServer(
      port,
      ['{ name: fast, path: fast.gguf }', '{ name: other, path: other.gguf, warmup: false }'],
      ['warmup: true'],
    );
    await until(async () => ((await health(warm)).code === 200 ? true : undefined), warm);
  });

  it('reports a model ready only after its warm-up has run; a model without warm-up runs none', () => {
    const lines = warm.output().split('\n');
    const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
    const order = [/fast loaded in/, /fast warming up/, /fast warmed up in \d+ ms/, /fast ready in/].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(at(/other warming up/)).toBe(-1);
    expect(at(/other loaded in/)).toBeGreaterThanOrEqual(0);
    expect(at(/other ready in/)).toBeGreaterThan(at(/other loaded in/));
  });

  it('warms each model once at load, never again for new connections, and again only when forced', async () => {
    const server = warm;
    for (let i = 0; i < 12; i++)
      expect(
        await freshConnection(`${server.url}/v1/completions`, { model: 'fast', prompt: `hi ${i}`, max_tokens: 2 }),
      ).toBe(200);
    const metrics = async () => (await fetch(`${server.url}/metrics`)).text();
    let text = await metrics();
    expect(sample(text, 'warmup_operations_total', { model: 'fast' })).toBe(1);
    expect(sample(text, 'warmup_operations_total', { model: 'other' })).toBe(0);
    expect(sample(text, 'warmup_duration_seconds', { model: 'fast' })).toBeGreaterThan(0);

    const again = (await (await fetch(`${server.url}/admin/warmup?model=fast`, { method: 'POST' })).json()) as {
      models: { skipped: boolean }[];
    };
    expect(again.models[0]!.skipped).toBe(true);
    await fetch(`${server.url}/admin/warmup?model=fast&force=true`, { method: 'POST' });
    text = await metrics();
    expect(sample(text, 'warmup_operations_total', { model: 'fast' })).toBe(2);
    expect(sample(text, 'warmup_skipped_total', { model: 'fast' })).toBe(1);
    const timing = server.output();
    expect(timing).toMatch(/fast warmed up in \d+ ms \(attempt 1\)/);
    expect(timing).not.toMatch(/other warming up/);
  });

  it('exposes the load, state, request and cold-start metrics as valid Prometheus text', async () => {
    const port = await freePort();
    const server = llmServer(port, ['{ name: fast, path: fast.gguf }']);
    await until(async () => ((await health(server)).code === 200 ? true : undefined), server);
    await post(`${server.url}/v1/completions`, { model: 'fast', prompt: 'hi', max_tokens: 2 });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const sampleLine =
      /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/;
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(sampleLine);
    for (const name of [
      'model_load_duration_seconds',
      'model_load_attempts_total',
      'model_state',
      'warmup_operations_total',
      'warmup_skipped_total',
      'warmup_duration_seconds',
      'request_duration_seconds',
      'cold_start_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'model_state', { model: 'fast', state: 'ready' })).toBe(1);
    expect(sample(text, 'model_state', { model: 'fast', state: 'loading' })).toBe(0);
    expect(sample(text, 'model_load_attempts_total', { model: 'fast' })).toBe(1);
    expect(sample(text, 'cold_start_seconds', { server: 'llm' })).toBeGreaterThan(0);
    expect(sample(text, 'request_duration_seconds_count', { route: '/v1/completions', model: 'fast' })).toBe(1);
    expect(sample(text, 'request_duration_seconds_count', { route: '/health' })).toBeUndefined();
  });
});
