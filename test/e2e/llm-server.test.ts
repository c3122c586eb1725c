import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import { llamaMetadata, llamaTensors, shapeForSize, writeDemoLlama } from '../../src/models/demo-llama.js';
import { writeGguf } from '../../common/formats/gguf/write.js';
import { modelGate } from '../helpers/gate.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { health, startServer, until, type RunningServer, settled } from '../helpers/server.js';

const dir = tempDir();
const config = (port: number, models: string[], extra = '') => `
servers:
  llm:
    kind: llm
    port: ${port}
    bodyLimit: 64KB
    ${extra}
    models:
${models.map((m) => `      - { name: ${m}, path: ${m}.gguf }`).join('\n')}
`;

beforeAll(async () => {
  for (const name of ['chat', 'code', 'summarize'])
    await writeDemoLlama(join(dir, `${name}.gguf`), { name, bytes: 1_000_000, seed: name });
  await writeDemoLlama(join(dir, 'late.real.gguf'), { name: 'late', bytes: 300_000, seed: 'late' });
  writeFileSync(join(dir, 'empty.gguf'), '');
  writeFileSync(join(dir, 'magic.gguf'), 'GGML this is not a gguf file');
  copyFileSync(join(dir, 'chat.gguf'), join(dir, 'truncated.gguf'));
  truncateSync(join(dir, 'truncated.gguf'), 500_000);
  const shape = shapeForSize(300_000);
  const meta = llamaMetadata('abort', shape);
  delete meta['llama.feed_forward_length'];
  await writeGguf(join(dir, 'aborts.gguf'), meta, llamaTensors(shape, 'a'));
});

interface ModelList {
  object: string;
  data: { id: string; object: string; state: string }[];
}

/** What the server answered while its model `late` was held loading (its file was a gate the test had not opened). */
interface WhileLoading {
  health: Awaited<ReturnType<typeof health>>;
  livez: { status: number; body: unknown };
  models: ModelList;
  lateReady: number;
  request: Response;
}

const stateOf = (h: Awaited<ReturnType<typeof health>>, model: string) =>
  h.body.models.find((m) => m.name === model)?.state;

describe('LLM server with good models', () => {
  let server: RunningServer;
  let first: Awaited<ReturnType<typeof health>>;
  let whileLoading: WhileLoading;
  let client: OpenAI;

  beforeAll(async () => {
    const gate = modelGate(join(dir, 'late.gguf'));
    const port = await freePort();
    server = startServer('llm', config(port, ['chat', 'code', 'summarize', 'late'], 'retryDelay: 100ms'), dir, port);
    first = await until(() => health(server), server);
    await until(async () => (stateOf(await health(server), 'late') === 'loading' ? true : undefined), server);
    const livez = await fetch(`${server.url}/livez`);
    whileLoading = {
      health: await health(server),
      livez: { status: livez.status, body: await livez.json() },
      models: (await (await fetch(`${server.url}/v1/models`)).json()) as ModelList,
      lateReady: (await fetch(`${server.url}/v1/models/late/ready`)).status,
      request: await fetch(`${server.url}/v1/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'late', prompt: 'hi' }),
      }),
    };
    gate.release(join(dir, 'late.real.gguf'));
    await until(async () => ((await health(server)).code === 200 ? true : undefined), server);
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });

  it('listens before its models are loaded: /health answers 503 loading at first', () => {
    expect(first.code).toBe(503);
    expect(first.body.status).toBe('loading');
  });

  it('answers a request for a model still loading with 503 and Retry-After', () => {
    expect(whileLoading.request.status).toBe(503);
    expect(whileLoading.request.headers.get('retry-after')).toBe('1');
  });

  it('answers /livez 200 while a model is still loading and /health says 503', () => {
    expect(whileLoading.health.code).toBe(503);
    expect(whileLoading.livez).toEqual({
      status: 200,
      body: { status: 'alive', server: 'llm', eventLoopDelayMs: expect.any(Number), reason: null },
    });
  });

  it('lists every model with its state on /v1/models, while loading and once ready', async () => {
    const late = (list: ModelList) => list.data.find((m) => m.id === 'late');
    expect(late(whileLoading.models)).toMatchObject({ object: 'model', state: 'loading' });
    const now = (await (await fetch(`${server.url}/v1/models`)).json()) as ModelList;
    expect(now.object).toBe('list');
    expect(now.data.map((m) => [m.id, m.state])).toEqual([
      ['chat', 'ready'],
      ['code', 'ready'],
      ['summarize', 'ready'],
      ['late', 'ready'],
    ]);
  });

  it('answers /v1/models/{name}/ready 503 while loading, 200 once ready, 404 for an unknown model', async () => {
    expect(whileLoading.lateReady).toBe(503);
    const ready = await fetch(`${server.url}/v1/models/late/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ name: 'late', state: 'ready' });
    expect((await fetch(`${server.url}/v1/models/nope/ready`)).status).toBe(404);
  });

  it('turns /health 200 with every model ready and timed; models whose file was there load at once', async () => {
    const { code, body } = await health(server);
    expect(code).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.models.map((m) => [m.name, m.state])).toEqual([
      ['chat', 'ready'],
      ['code', 'ready'],
      ['summarize', 'ready'],
      ['late', 'ready'],
    ]);
    expect(body.models.filter((m) => m.name !== 'late').map((m) => m.attempts)).toEqual([1, 1, 1]);
    expect(body.models.every((m) => typeof m.loadMs === 'number' && m.loadMs > 0)).toBe(true);
  });

  it('serves a completion through the official openai client', async () => {
    const r = await client.completions.create({ model: 'chat', prompt: 'hello world', max_tokens: 8 });
    expect(r.object).toBe('text_completion');
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.choices[0]!.text.length).toBeGreaterThan(0);
    expect(r.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('streams a completion as server-sent events that add up to the plain answer', async () => {
    const ask = { model: 'chat', prompt: 'the cold start', max_tokens: 8 };
    const plain = await client.completions.create(ask);
    const stream = await client.completions.create({ ...ask, stream: true });
    const chunks: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('text_completion');
      chunks.push(chunk.choices[0]?.text ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(chunks.filter(Boolean).length).toBeGreaterThan(1);
    expect(finish).toBe('length');
    expect(chunks.join('')).toBe(plain.choices[0]!.text);
  });

  it('serves chat completions, plain and streamed', async () => {
    const r = await client.chat.completions.create({
      model: 'code',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4,
    });
    expect(r.choices[0]!.message.role).toBe('assistant');
    const stream = await client.chat.completions.create({
      model: 'code',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 4,
      stream: true,
    });
    const chunks: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      chunks.push(chunk.choices[0]?.delta.content ?? '');
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect(finish).toBe('length');
    expect(chunks.join('')).toBe(r.choices[0]!.message.content);
  });

  it('keeps concurrent requests apart: each gets what it gets alone', async () => {
    const prompts = ['alpha', 'the model is', 'cold start fast', 'zzz'];
    const ask = (prompt: string) =>
      client.completions
        .create({ model: 'summarize', prompt, max_tokens: 12, temperature: 0 })
        .then((r) => r.choices[0]!.text);
    const alone: string[] = [];
    for (const p of prompts) alone.push(await ask(p));
    expect(new Set(alone).size).toBeGreaterThan(1);
    expect(await Promise.all(prompts.map(ask))).toEqual(alone);
  });

  it('rejects bad requests with 4xx and a message, and stays up', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('{"model": "chat", "prompt":');
    expect(malformed.status).toBe(400);
    const badField = await post(JSON.stringify({ model: 'chat', prompt: 'x', max_tokens: -1 }));
    expect(badField.status).toBe(400);
    expect(((await badField.json()) as { error: { message: string } }).error.message).toMatch(/^max_tokens:/);
    expect((await post(JSON.stringify({ model: 'nope', prompt: 'x' }))).status).toBe(404);
    expect((await post(JSON.stringify({ model: 'chat', prompt: 'x'.repeat(70_000) }))).status).toBe(413);
    expect((await health(server)).code).toBe(200);
  });

  it('writes every load event to the timing log', () => {
    const lines = readFileSync(join(dir, '.modelctl/logs/llm.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const chat = lines.filter((e) => e.model === 'chat').map((e) => e.event);
    expect(chat).toEqual(expect.arrayContaining(['load_start', 'load_end', 'ready']));
    expect(lines.find((e) => e.event === 'load_end')).toMatchObject({
      server: 'llm',
      attempt: 1,
      ts: expect.any(String),
      ms: expect.any(Number),
    });
    expect(server.output()).toMatch(/chat ready in \d+ ms \(attempt 1\)/);
  });
});

describe('LLM server with corrupt models', () => {
  let server: RunningServer;
  const bad = ['empty', 'magic', 'truncated', 'aborts'];

  beforeAll(async () => {
    const port = await freePort();
    server = startServer('llm', config(port, ['chat', ...bad]), dir, port);
    await settled(server);
  });

  it('fails each corrupt model after its retry, naming the file and the reason', async () => {
    const { code, body } = await health(server);
    expect(code).toBe(503);
    const by = Object.fromEntries(body.models.map((m) => [m.name, m]));
    for (const name of bad)
      expect(by[name]).toMatchObject({ state: 'failed', attempts: 2, error: expect.stringContaining(`${name}.gguf`) });
    expect(by.empty!.error).toContain('file is empty');
    expect(by.magic!.error).toContain('wrong magic');
    expect(by.truncated!.error).toContain('truncated');
    expect(by.aborts!.error).toContain('llama.feed_forward_length');
  });

  it('keeps serving the good model', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const r = await client.completions.create({ model: 'chat', prompt: 'hello', max_tokens: 4 });
    expect(r.choices[0]!.text.length).toBeGreaterThan(0);
    expect(server.child.exitCode).toBeNull();
  });

  it('answers a request for a failed model with 503 and the reason', async () => {
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'magic', prompt: 'x' }),
    });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('wrong magic');
  });
});
