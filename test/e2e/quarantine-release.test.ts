// Lifting a quarantine, the two ways the README names: DELETE /admin/models/{name}/quarantine on a running server, and
// `modelctl pull --force MODEL`. The quarantine comes from a real crash: a GGUF that aborts llama.cpp while loading.
import { mkdirSync, readFileSync, statSync, utimesSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HealthBody } from '../../common/protocol.js';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { writeGgufMutant } from '../../bench/mutants/gguf-mutants.js';
import { JOURNAL_ONLY, writeLoadAbortingGguf } from '../../bench/mutants/aborting-models.js';
import { modelctl } from '../helpers/modelctl.js';
import { healthy, healthyOrExit, startServerFrom, until, type RunningServer } from '../helpers/server.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const GOOD = join(dir, 'good.gguf');
/** A fixed mtime for the bad file, so the test can put it back after writing the file in place. */
const MTIME = new Date('2026-01-01T00:00:00Z');

beforeAll(async () => {
  await writeDemoLlama(GOOD, { name: 'good', bytes: 500_000, seed: 'good' });
});

/** One LLM server in a folder of its own: `good`, and `bad`, which aborts llama.cpp while loading. */
async function stack(name: string, badLine = '') {
  const home = join(dir, name);
  mkdirSync(home);
  const bad = join(home, 'bad.gguf');
  writeLoadAbortingGguf(bad);
  utimesSync(bad, MTIME, MTIME);
  const file = join(home, 'models.yaml');
  writeFileSync(
    file,
    `servers:
  llm:
    kind: llm
    port: ${await freePort()}
    models:
      - { name: good, path: ${GOOD} }
      - { name: bad, path: bad.gguf${badLine} }
`,
  );
  return { file, bad };
}

/** Starts the server alone until it stays up, as Kubernetes would: two crashes, then `bad` is quarantined. */
async function startUntilQuarantined(file: string): Promise<RunningServer> {
  for (let start = 1; start <= 3; start++) {
    const server = startServerFrom('llm', file);
    const outcome = await healthyOrExit(server);
    if ('exit' in outcome) {
      expect(outcome.exit).toBe('SIGABRT');
      continue;
    }
    expect(stateOf(outcome.health.body as HealthBody, 'bad')).toBe('quarantined');
    return server;
  }
  throw new Error('the server never stayed up');
}

const stateOf = (h: HealthBody, model: string) => h.models.find((m) => m.name === model)?.state;
const healthOf = async (s: RunningServer) => (await (await fetch(`${s.url}/health`)).json()) as HealthBody;
const complete = (s: RunningServer, model: string) =>
  fetch(`${s.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, prompt: 'hello', max_tokens: 2 }),
  }).then((r) => r.status);
const stop = async (s: RunningServer) => {
  s.child.kill('SIGTERM');
  await s.child;
};

describe('lifting a quarantine', () => {
  it('DELETE /admin/models/{name}/quarantine loads it again, for good (202); 409 when not quarantined', async () => {
    const { file, bad } = await stack('delete');
    const server = await startUntilQuarantined(file);
    expect(await complete(server, 'bad')).toBe(503);

    // The same file to the server (same inode, size and mtime: the quarantine still holds for it), now with bytes
    // that load: only a lifted quarantine lets it load again.
    const identity = ({ ino, size, mtimeMs }: Stats) => [ino, size, mtimeMs];
    const before = identity(statSync(bad));
    const loads = join(dir, 'loads.gguf');
    writeGgufMutant(loads, JOURNAL_ONLY.inferenceAbortOnH); // loads, and answers "hello"
    writeFileSync(bad, readFileSync(loads));
    utimesSync(bad, MTIME, MTIME);
    expect(identity(statSync(bad))).toEqual(before);
    expect((await fetch(`${server.url}/admin/models/good/quarantine`, { method: 'DELETE' })).status).toBe(409);

    const lifted = await fetch(`${server.url}/admin/models/bad/quarantine`, { method: 'DELETE' });
    expect(lifted.status).toBe(202);
    expect(await lifted.json()).toMatchObject({ model: 'bad' });
    await until(async () => (stateOf(await healthOf(server), 'bad') === 'ready' ? true : undefined), server);
    expect((await healthOf(server)).status).toBe('ok');
    expect(await complete(server, 'bad')).toBe(200);
    expect(server.output()).toMatch(/bad released from quarantine/);
    const again = await fetch(`${server.url}/admin/models/bad/quarantine`, { method: 'DELETE' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toBe(
      'model "bad" is ready, not quarantined',
    );

    // The server forgot the crashes on disk too: a new process loads it as usual.
    await stop(server);
    const next = startServerFrom('llm', file);
    expect(stateOf((await healthy(next)).body as HealthBody, 'bad')).toBe('ready');
    await stop(next);
  });

  it('modelctl pull --force MODEL makes the file again, and the next start loads it', async () => {
    const { file } = await stack('pull-force', ', source: "demo:llama?size=300KB&seed=bad"');
    await stop(await startUntilQuarantined(file));

    const pull = await modelctl(['pull', '-c', file, '--force', 'bad']).child;
    expect(pull.exitCode, String(pull.stderr)).toBe(0);
    const server = startServerFrom('llm', file);
    const { body } = await healthy(server);
    expect(body.status).toBe('ok');
    expect(stateOf(body as HealthBody, 'bad')).toBe('ready');
    expect(await complete(server, 'bad')).toBe(200);
    await stop(server);
  });
});
