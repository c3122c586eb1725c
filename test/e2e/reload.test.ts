import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { modelGate } from '../helpers/gate.js';
import { allGone, modelctl } from '../helpers/modelctl.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const llmModels = (lines: string[]) => lines.map((l) => `      - ${l}`).join('\n');
const CHAT = '{ name: chat, path: models/chat.gguf, source: "demo:llama?size=2MB&seed=1" }';
const CODE = '{ name: code, path: models/code.gguf, source: "demo:llama?size=2MB&seed=2" }';
const SUMMARIZE = '{ name: summarize, path: models/summarize.gguf, source: "demo:llama?size=2MB&seed=3" }';

/** The default stack's shape: three LLM models and the ASR/OCR server. */
function stackText(ports: { llm: number; asr: number }, models: string[]) {
  return `grace: 2s
servers:
  llm:
    kind: llm
    port: ${ports.llm}
    retryDelay: 100ms
    models:
${llmModels(models)}
  asr-ocr:
    kind: asr-ocr
    port: ${ports.asr}
    models:
      - { name: speech, type: asr, path: models/whisper.bin, source: "demo:whisper" }
      - { name: ocr, type: ocr }
`;
}

interface Status {
  configVersion: string;
  appliedAt: string;
  servers: { name: string; pids: number[]; port: number; state: string }[];
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

describe('modelctl reload on a running stack (up -d)', () => {
  const file = join(dir, 'models.yaml');
  let ports: { llm: number; asr: number };
  /** The running stack's LLM models: each test writes its whole config from these and its ports, with its change. */
  let models = [CHAT, CODE, SUMMARIZE];
  const status = async () =>
    JSON.parse(String((await modelctl(['status', '-c', file, '--json']).child).stdout)) as Status;
  const pidOf = (s: Status, server: string) => s.servers.find((x) => x.name === server)!.pids[0];
  const health = async (port: number) => (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as Health;
  const loadMs = (h: Health, model: string) => h.models.find((m) => m.name === model)?.loadMs;
  const reload = async (...flags: string[]) => {
    const run = modelctl(['reload', '-c', file, ...flags]);
    const r = await run.child;
    return { ...r, events: run.events };
  };

  beforeAll(async () => {
    ports = { llm: await freePort(), asr: await freePort() };
    writeFileSync(file, stackText(ports, models));
    const up = await modelctl(['up', '-d', '-c', file]).child;
    expect(up.exitCode, String(up.stderr)).toBe(0);
  }, 120_000);

  afterAll(async () => {
    const pids = (await status().catch(() => undefined))?.servers.flatMap((s) => s.pids) ?? [];
    await modelctl(['down', '-c', file]).child;
    expect(await allGone(pids)).toBe(true);
  });

  it('swaps one LLM model alone: the others keep their load times, and no request fails meanwhile', async () => {
    const before = await status();
    const healthBefore = await health(ports.llm);
    // The new file arrives when the test says: the swap is under way for as long as the checks below take.
    await writeDemoLlama(join(dir, 'chat-v2.real.gguf'), { name: 'chat', bytes: 2_000_000, seed: 'v2' });
    const gate = modelGate(join(dir, 'models', 'chat-v2.gguf'));
    const next = models.map((m) => (m === CHAT ? CHAT.replace('chat.gguf', 'chat-v2.gguf') : m));
    writeFileSync(file, stackText(ports, next));

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
    models = next;
    expect(statuses.length).toBeGreaterThan(during);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const plan = run.events.find((e) => e.type === 'reload-plan') as { plan: { servers: object[] } };
    expect(plan.plan.servers).toMatchObject([
      { server: 'llm', action: 'update', models: { swap: [{ name: 'chat' }], add: [], remove: [] } },
      { server: 'asr-ocr', action: 'unchanged' },
    ]);
    const after = await status();
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
    const before = await status();
    const healthBefore = await health(ports.llm);
    const EXTRA = '{ name: extra, path: models/extra.gguf, source: "demo:llama?size=2MB&seed=4" }';
    const next = [...models.filter((m) => m !== SUMMARIZE), EXTRA];
    writeFileSync(file, stackText(ports, next));
    const done = await reload();
    expect(done.exitCode, String(done.stderr)).toBe(0);
    models = next;
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
    expect(pidOf(await status(), 'llm')).toBe(pidOf(before, 'llm'));
  });

  it('prints the plan on a dry run and changes nothing', async () => {
    const before = await status();
    writeFileSync(file, stackText({ ...ports, asr: await freePort() }, models));
    const dry = await reload('--dry-run');
    expect(dry.exitCode).toBe(0);
    expect(String(dry.stdout)).toMatch(/asr-ocr +restart this server alone \(port \d+ → \d+\)/);
    const after = await status();
    expect(after.configVersion).toBe(before.configVersion);
    expect(pidOf(after, 'asr-ocr')).toBe(pidOf(before, 'asr-ocr'));
  });

  it('restarts the ASR/OCR server alone on its new port; the LLM server keeps its pid', async () => {
    const before = await status();
    const oldPort = before.servers.find((s) => s.name === 'asr-ocr')!.port;
    const next = { ...ports, asr: await freePort() };
    writeFileSync(file, stackText(next, models));
    const done = await reload();
    expect(done.exitCode, String(done.stderr)).toBe(0);
    ports = next;
    const after = await status();
    expect(pidOf(after, 'llm')).toBe(pidOf(before, 'llm'));
    expect(pidOf(after, 'asr-ocr')).not.toBe(pidOf(before, 'asr-ocr'));
    expect(after.servers.find((s) => s.name === 'asr-ocr')).toMatchObject({ port: ports.asr, state: 'ready' });
    expect((await health(ports.asr)).status).toBe('ok');
    await expect(fetch(`http://127.0.0.1:${oldPort}/health`)).rejects.toThrow();
    expect(await allGone([pidOf(before, 'asr-ocr')!])).toBe(true);
  });

  it('changes nothing for a config with an error, says why, and exits 2', async () => {
    const before = await status();
    const good = stackText(ports, models);
    writeFileSync(file, good.replace('kind: llm', 'kind: lmm').replace('port: ', 'port: x'));
    const done = await reload();
    writeFileSync(file, good);
    expect(done.exitCode).toBe(2);
    expect(String(done.stderr)).toMatch(/servers\.llm\.kind/);
    const after = await status();
    expect(after.configVersion).toBe(before.configVersion);
    expect(after.servers.map((s) => s.pids)).toEqual(before.servers.map((s) => s.pids));
  });
});

describe('modelctl reload and SIGHUP on a foreground up', () => {
  it('applies a change asked for from another terminal, and one sent as SIGHUP, in up’s event stream', async () => {
    const file = join(dir, 'foreground.yaml');
    const ports = { llm: await freePort(), asr: await freePort() };
    writeFileSync(file, stackText(ports, [CHAT]));
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
