import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { needs, OTHER_ADDRESS, otherAddress } from '../helpers/needs.js';
import { health, startServer, until, type RunningServer } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const TOKEN = 'e2e-admin-token-0123456789';

/** This machine's own address outside loopback: a caller that is not loopback, without leaving the machine. */
const ownAddress = otherAddress();

beforeAll(async () => {
  await writeDemoLlama(join(dir, 'chat.gguf'), { name: 'chat', bytes: 500_000, seed: 'chat' });
  // Not a model: a load that read it would fail, so a ready model proves the config's path was used.
  writeFileSync(join(dir, 'other.gguf'), 'not a GGUF file');
});

async function llmServer(extra = '', env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const server = startServer(
    'llm',
    `${extra}servers:
  llm:
    kind: llm
    host: 0.0.0.0
    port: ${port}
    models:
      - { name: chat, path: chat.gguf }
`,
    dir,
    port,
    env,
  );
  await until(async () => ((await health(server)).code === 200 ? true : undefined), server);
  return server;
}

const post = (url: string, headers: Record<string, string> = {}, body?: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const complete = (s: RunningServer, model: string) =>
  post(`${s.url}/v1/completions`, {}, { model, prompt: 'hi', max_tokens: 2 }).then((r) => r.status);

describe(`admin routes from a non-loopback caller (${ownAddress ?? 'none here'})`, () => {
  it('refuses them without an admin token (403), while loopback callers and the API are served', async (ctx) => {
    await needs(ctx, OTHER_ADDRESS);
    const server = await llmServer();
    const remote = `http://${ownAddress}:${server.port}`;
    const refused = await post(`${remote}/admin/warmup`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/only loopback callers/);
    expect((await post(`${remote}/admin/models/chat/unload`)).status).toBe(403);
    expect((await fetch(`${remote}/health`)).status).toBe(200);
    expect((await post(`${server.url}/admin/warmup`)).status).toBe(200);
    expect((await health(server)).body.models[0]!.state).toBe('ready');
  });

  it('with adminToken: 401 without it (loopback too), 403 with a wrong one, 200 with it', async (ctx) => {
    await needs(ctx, OTHER_ADDRESS);
    const server = await llmServer('adminToken: ${MODELCTL_ADMIN_TOKEN}\n', { MODELCTL_ADMIN_TOKEN: TOKEN });
    const remote = `http://${ownAddress}:${server.port}`;
    const missing = await post(`${remote}/admin/warmup`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await post(`${server.url}/admin/warmup`)).status).toBe(401);
    expect((await post(`${remote}/admin/warmup`, { authorization: 'Bearer not-the-token-at-all' })).status).toBe(403);
    expect((await post(`${remote}/admin/warmup`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(server.output()).not.toContain(TOKEN);
  });
});

describe('per-model load and unload on a running server', () => {
  it('unloads a model (503 for it, the table, /health and /metrics follow) and loads it again by name', async () => {
    const server = await llmServer();
    const unload = await post(`${server.url}/admin/models/chat/unload?timeout=5s`);
    expect(await unload.json()).toEqual({ name: 'chat', action: 'unload', ok: true, state: 'unloaded' });
    expect(await complete(server, 'chat')).toBe(503);
    expect((await health(server)).body.models.map((m) => [m.name, m.state])).toEqual([['chat', 'unloaded']]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('model_state{server="llm",model="chat",state="unloaded"} 1');

    // A body naming another (broken) file is never read: the model is loaded from the config, by name.
    const load = await post(`${server.url}/admin/models/chat/load`, {}, { path: join(dir, 'other.gguf') });
    expect(await load.json()).toMatchObject({ name: 'chat', ok: true, state: 'ready' });
    expect(await complete(server, 'chat')).toBe(200);
    expect((await post(`${server.url}/admin/models/other/load`)).status).toBe(404);
    expect(server.output()).not.toContain('other.gguf');
    expect(server.output()).toMatch(/chat unloaded in \d+ ms/);
  });
});

describe('POST /admin/reload on a running server', () => {
  it('applies its section of the file again (200); refuses new process settings (409), a bad file (422)', async () => {
    const server = await llmServer();
    const file = join(dir, `llm-${server.port}.yaml`);
    const original = readFileSync(file, 'utf8');
    const reload = async () => {
      const res = await post(`${server.url}/admin/reload`);
      return {
        status: res.status,
        body: (await res.json()) as Record<string, unknown> & { error?: { message: string } },
      };
    };
    const models = async () => (await health(server)).body.models.map((m) => [m.name, m.state]);

    writeFileSync(file, `${original}      - { name: second, path: chat.gguf }\n`);
    const added = await reload();
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ ok: true, models: [{ name: 'second', action: 'add', ok: true }] });
    expect(await models()).toEqual([
      ['chat', 'ready'],
      ['second', 'ready'],
    ]);

    writeFileSync(file, `${original.replace('kind: llm', 'kind: llm\n    threads: 7')}`);
    const restart = await reload();
    expect(restart.status).toBe(409);
    expect(restart.body.error?.message).toMatch(/^process settings changed \(.*threads.*\): restart this server$/);

    writeFileSync(file, original.replace('kind: llm', 'kind: lmm'));
    const bad = await reload();
    expect(bad.status).toBe(422);
    expect(bad.body.error?.message).toMatch(/^the config is not valid; nothing changed: .*servers\.llm\.kind/);

    // Neither refusal changed a thing: both models still serve from the same process.
    expect(await models()).toEqual([
      ['chat', 'ready'],
      ['second', 'ready'],
    ]);
    expect(await complete(server, 'second')).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });
});
