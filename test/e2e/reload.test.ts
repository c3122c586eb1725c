import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { modelGate } from '../helpers/gate.js';
import { allGone, modelctl } from '../helpers/modelctl.js';
import { detachedStack, stackStatus as status, type StackStatus as Status } from '../helpers/stacks.js';
import { freePort, tempDir } from '../helpers/tmp.js';

// Each test starts a stack of its own (up -d in a folder of its own) from the demo models made once here.
const dir = tempDir();
const MODELS = join(dir, 'models');
const model = (name: string, seed: number) =>
  `{ name: ${name}, path: ${MODELS}/${name}.gguf, source: "demo:llama?size=1MB&seed=${seed}" }`;
const CHAT = model('chat', 1);
const CODE = model('code', 2);
const SUMMARIZE = model('summarize', 3);
const SPEECH = `{ name: speech, type: asr, path: ${MODELS}/whisper.bin, source: "demo:whisper" }`;
const lines = (models: string[]) => models.map((l) => `      - ${l}`).join('\n');

beforeAll(async () => {
  mkdirSync(MODELS);
  for (const [name, seed] of [
    ['chat', 1],
    ['code', 2],
    ['summarize', 3],
  ] as const) {
    await writeDemoLlama(join(MODELS, `${name}.gguf`), { name, bytes: 1_000_000, seed: String(seed) });
  }
});

/** Our servers with the given models: the LLM server, and the ASR/OCR server when `asr` has models. */
function stackText(ports: { llm: number; asr?: number }, llm: string[], asr: string[] = []) {
  const asrSection =
    ports.asr === undefined
      ? ''
      : `  asr-ocr:
    kind: asr-ocr
    port: ${ports.asr}
    models:
${lines(asr)}
`;
  return `grace: 2s
servers:
  llm:
    kind: llm
    port: ${ports.llm}
    retryDelay: 100ms
    models:
${lines(llm)}
${asrSection}`;
}

/** A folder of its own (its own state and control socket) with `models.yaml` written from `text`. */
function stackFile(name: string, text: string): string {
  mkdirSync(join(dir, name));
  const file = join(dir, name, 'models.yaml');
  writeFileSync(file, text);
  return file;
}

type Health = { status: string; models: { name: string; state: string; loadMs: number | null }[] };

const complete = async (port: number, model: string) => {
  const res = await fetch(`http://127.0.0.1:${port}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, prompt: 'hello', max_tokens: 2 }),
  });
  await res.arrayBuffer();
  return res.status;
};
const pidOf = (s: Status, server: string) => s.servers.find((x) => x.name === server)!.pids[0];
const health = async (port: number) => (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Health;
const loadMs = (h: Health, model: string) => h.models.find((m) => m.name === model)?.loadMs;
const reload = async (file: string, ...flags: string[]) => {
  const run = modelctl(['reload', '-c', file, ...flags]);
  const r = await run.child;
  return { ...r, events: run.events };
};

describe('modelctl reload on a running stack (up -d)', () => {
  it('swaps one LLM model alone: the others keep their load times, and no request fails meanwhile', async () => {
    const ports = { llm: await freePort(), asr: await freePort() };
    const models = [CHAT, CODE, SUMMARIZE];
    const file = stackFile('swap', stackText(ports, models, [SPEECH]));
    await detachedStack(file);
    const before = await status(file);
    const healthBefore = await health(ports.llm);
    // The new file arrives when the test says: the swap is under way for as long as the checks below take.
    await writeDemoLlama(join(dir, 'chat-v2.real.gguf'), { name: 'chat', bytes: 1_000_000, seed: 'v2' });
    const gate = modelGate(join(MODELS, 'chat-v2.gguf'));
    const next = models.map((m) => (m === CHAT ? CHAT.replace('chat.gguf', 'chat-v2.gguf') : m));
    writeFileSync(file, stackText(ports, next, [SPEECH]));

    const statuses: number[] = [];
    let reloading = true;
    const traffic = ['chat', 'code', 'summarize'].map(async (model) => {
      while (reloading) statuses.push(await complete(ports.llm, model));
    });
    const run = modelctl(['reload', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'timing' && (e.event as { event: string }).event === 'reload_start');
    const during = statuses.length;
    for (const model of ['chat', 'code', 'summarize']) expect(await complete(ports.llm, model)).toBe(200);
    expect((await health(ports.llm)).status).toBe('ok');
    gate.release(join(dir, 'chat-v2.real.gguf'));
    const done = await run.child;
    reloading = false;
    await Promise.all(traffic);

    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(statuses.length).toBeGreaterThan(during);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const plan = run.events.find((e) => e.type === 'reload-plan') as { plan: { servers: object[] } };
    expect(plan.plan.servers).toMatchObject([
      { server: 'llm', action: 'update', models: { swap: [{ name: 'chat' }], add: [], remove: [] } },
      { server: 'asr-ocr', action: 'unchanged' },
    ]);
    const after = await status(file);
    expect(pidOf(after, 'llm')).toBe(pidOf(before, 'llm'));
    expect(pidOf(after, 'asr-ocr')).toBe(pidOf(before, 'asr-ocr'));
    const healthAfter = await health(ports.llm);
    for (const model of ['code', 'summarize']) expect(loadMs(healthAfter, model)).toBe(loadMs(healthBefore, model));
    expect(loadMs(healthAfter, 'chat')).not.toBe(loadMs(healthBefore, 'chat'));
    expect(after.configVersion).not.toBe(before.configVersion);
    expect(Date.parse(after.appliedAt)).toBeGreaterThan(Date.parse(before.appliedAt));
    const logs = String((await modelctl(['logs', '-c', file, 'llm']).child).stdout);
    expect(logs).toMatch(/chat reloading: the old copy serves until the new one is ready/);
    expect(logs).toMatch(/chat swapped in \d+ ms: the new copy serves/);
    expect(logs).toMatch(/llm config [0-9a-f]{12} applied in \d+ ms/);
  });

  it('loads an added model (pulled first) and unloads a removed one; the rest keep their load times', async () => {
    const ports = { llm: await freePort() };
    const file = stackFile('add-remove', stackText(ports, [CHAT, CODE, SUMMARIZE]));
    await detachedStack(file);
    const before = await status(file);
    const healthBefore = await health(ports.llm);
    // Not made beforehand: the reload pulls it.
    const EXTRA = `{ name: extra, path: extra.gguf, source: "demo:llama?size=1MB&seed=4" }`;
    writeFileSync(file, stackText(ports, [CHAT, CODE, EXTRA]));
    const done = await reload(file);
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(String(done.stdout)).toMatch(/llm +add extra; remove summarize; the process runs on/);
    expect(String(done.stdout)).toMatch(/extra ready \(attempt 1\)/);
    const healthAfter = await health(ports.llm);
    expect(healthAfter.models.map((m) => [m.name, m.state])).toEqual([
      ['chat', 'ready'],
      ['code', 'ready'],
      ['extra', 'ready'],
    ]);
    expect(loadMs(healthAfter, 'code')).toBe(loadMs(healthBefore, 'code'));
    expect(await complete(ports.llm, 'extra')).toBe(200);
    expect(await complete(ports.llm, 'summarize')).toBe(404);
    expect(pidOf(await status(file), 'llm')).toBe(pidOf(before, 'llm'));
  });

  it('prints the plan on a dry run and changes nothing', async () => {
    const ports = { llm: await freePort() };
    const file = stackFile('dry-run', stackText(ports, [CHAT]));
    await detachedStack(file);
    const before = await status(file);
    writeFileSync(file, stackText({ llm: await freePort() }, [CHAT]));
    const dry = await reload(file, '--dry-run');
    expect(dry.exitCode).toBe(0);
    expect(String(dry.stdout)).toMatch(/llm +restart this server alone \(port \d+ → \d+\)/);
    const after = await status(file);
    expect(after.configVersion).toBe(before.configVersion);
    expect(pidOf(after, 'llm')).toBe(pidOf(before, 'llm'));
    expect(await complete(ports.llm, 'chat')).toBe(200);
  });

  it('restarts the ASR/OCR server alone on its new port; the LLM server keeps its pid', async () => {
    const ports = { llm: await freePort(), asr: await freePort() };
    const file = stackFile('restart-one', stackText(ports, [CHAT], [SPEECH]));
    await detachedStack(file);
    const before = await status(file);
    const next = { ...ports, asr: await freePort() };
    writeFileSync(file, stackText(next, [CHAT], [SPEECH]));
    const done = await reload(file);
    expect(done.exitCode, String(done.stderr)).toBe(0);
    const after = await status(file);
    expect(pidOf(after, 'llm')).toBe(pidOf(before, 'llm'));
    expect(pidOf(after, 'asr-ocr')).not.toBe(pidOf(before, 'asr-ocr'));
    expect(after.servers.find((s) => s.name === 'asr-ocr')).toMatchObject({ port: next.asr, state: 'ready' });
    expect((await health(next.asr)).status).toBe('ok');
    await expect(fetch(`http://127.0.0.1:${ports.asr}/health`)).rejects.toThrow();
    expect(await allGone([pidOf(before, 'asr-ocr')!])).toBe(true);
  });

  it('changes nothing for a config with an error, says why, and exits 2', async () => {
    const ports = { llm: await freePort() };
    const good = stackText(ports, [CHAT]);
    const file = stackFile('bad-config', good);
    await detachedStack(file);
    const before = await status(file);
    writeFileSync(file, good.replace('kind: llm', 'kind: lmm').replace('port: ', 'port: x'));
    const done = await reload(file);
    writeFileSync(file, good);
    expect(done.exitCode).toBe(2);
    expect(String(done.stderr)).toMatch(/servers\.llm\.kind/);
    const after = await status(file);
    expect(after.configVersion).toBe(before.configVersion);
    expect(after.servers.map((s) => s.pids)).toEqual(before.servers.map((s) => s.pids));
  });

  it('exits 1 when no stack runs, saying so', async () => {
    const file = stackFile('no-stack', stackText({ llm: await freePort() }, [CHAT]));
    const done = await reload(file);
    expect(done.exitCode).toBe(1);
    expect(String(done.stderr)).toMatch(/no stack is running/);
  });
});

describe('modelctl reload and SIGHUP on a foreground up', () => {
  it('applies a change asked for from another terminal, and one sent as SIGHUP, in up’s event stream', async () => {
    const ports = { llm: await freePort() };
    const file = stackFile('foreground', stackText(ports, [CHAT]));
    const up = modelctl(['up', '-c', file, '--json']);
    await up.waitFor((e) => e.type === 'result', 90_000);

    writeFileSync(file, stackText(ports, [CHAT, CODE]));
    const asked = await modelctl(['reload', '-c', file]).child;
    expect(asked.exitCode, String(asked.stderr)).toBe(0);
    await up.waitFor((e) => e.type === 'reloaded' && e.ok === true);
    expect(await complete(ports.llm, 'code')).toBe(200);

    writeFileSync(file, stackText(ports, [CODE]));
    process.kill(up.child.pid!, 'SIGHUP');
    await up.waitFor(
      (e) => e.type === 'reloaded' && e.ok === true && up.events.filter((x) => x.type === 'reloaded').length === 2,
    );
    expect(await complete(ports.llm, 'chat')).toBe(404);
    expect(await complete(ports.llm, 'code')).toBe(200);
    up.child.kill('SIGINT');
    expect((await up.child).exitCode).toBe(0);
  });
});
