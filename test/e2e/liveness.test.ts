import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { writeDemoLlama } from '../../src/models/demo-llama.js';
import { allGone, FAKE_SERVER, modelctl, type UpRun } from '../helpers/modelctl.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const dir = tempDir();
const LIVENESS = { period: 1000, timeout: 500, failures: 3 };
const { period, timeout, failures } = LIVENESS;
const livenessYaml = `liveness: { period: ${period}ms, timeout: ${timeout}ms, failures: ${failures} }`;
/** The detection bound the issue asks for: period × failures + 2 s (plus the check's own timeout on a busy machine). */
const DETECTION_BOUND_MS = LIVENESS.period * LIVENESS.failures + 2000 + LIVENESS.timeout;

beforeAll(async () => {
  await writeDemoLlama(join(dir, 'chat.gguf'), { name: 'chat', bytes: 300_000, seed: 'chat' });
});

async function config(name: string, servers: Record<string, string[]>): Promise<string> {
  const lines = ['grace: 500ms', 'servers:'];
  for (const [server, extra] of Object.entries(servers)) lines.push(`  ${server}:`, ...extra.map((l) => `    ${l}`));
  // Each stack in its own folder: its own state file and logs.
  mkdirSync(join(dir, name));
  const file = join(dir, name, 'models.yaml');
  writeFileSync(file, lines.join('\n'));
  return file;
}

const llm = async (extra: string[] = [livenessYaml]) => [
  'kind: llm',
  `port: ${await freePort()}`,
  ...extra,
  'restart: { policy: on-failure, max: 3, backoff: 200ms }',
  `models: [{ name: chat, path: ${join(dir, 'chat.gguf')} }]`,
];

const fake = async (extra: string[] = [livenessYaml], restart = 'on-failure') => {
  const port = await freePort();
  return [
    `port: ${port}`,
    `command: ${JSON.stringify(['node', FAKE_SERVER, '--port', String(port)])}`,
    ...extra,
    `restart: { policy: ${restart}, max: 3, backoff: 200ms }`,
  ];
};

const spawnedPid = (run: UpRun, server: string) =>
  run.events.filter((e) => e.type === 'spawned' && e.server === server).at(-1)!.pid as number;
const fakePid = (run: UpRun, server: string) =>
  Number(
    /pid (\d+)/.exec(
      String(
        run.events
          .filter((e) => e.type === 'output' && e.server === server && /fake-server: pid/.test(String(e.line)))
          .at(-1)!.line,
      ),
    )![1],
  );
const stateEvent = (server: string, state: string) => (e: Record<string, unknown>) =>
  e.type === 'state' && e.server === server && e.state === state;

/** When the process started (clock ticks after boot), or undefined once it is gone: tells a reused pid apart. */
function startTicks(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Sends `signal` (SIGSTOP; SIGUSR2 makes the fake server busy-wait) and SIGKILLs that process when the test ends, so a
 * failing test leaves no frozen server behind: a stopped or blocked process never acts on the SIGTERM it is sent.
 */
function freeze(pid: number, signal: NodeJS.Signals = 'SIGSTOP') {
  const started = startTicks(pid);
  onTestFinished(() => {
    if (started !== undefined && startTicks(pid) === started) process.kill(pid, 'SIGKILL');
  });
  process.kill(pid, signal);
}

/** Freezes a ready server with `hang`, then waits for modelctl to call it hung and bring it back. */
async function hangAndRecover(run: UpRun, server: string, hang: () => void) {
  const frozenAt = Date.now();
  hang();
  const hung = await run.waitFor(stateEvent(server, 'hung'), 30_000);
  const detectedMs = Date.now() - frozenAt;
  const restart = await run.waitFor((e) => e.type === 'restart' && e.server === server, 30_000);
  await run.waitFor((e) => stateEvent(server, 'ready')(e) && Number(e.at) > Number(restart.at), 30_000);
  return { hung, restart, detectedMs };
}

describe('after ready, a hung server is noticed, killed and restarted', () => {
  it('a built-in server stopped with SIGSTOP: hung within period × failures + 2 s, restarted, serving', async () => {
    const llmServer = await llm();
    const port = Number(llmServer[1]!.split(' ')[1]);
    const file = await config('stop-llm', { llm: llmServer });
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 60_000);
    const pid = spawnedPid(run, 'llm');
    const { hung, restart, detectedMs } = await hangAndRecover(run, 'llm', () => freeze(pid));
    expect(detectedMs).toBeLessThan(DETECTION_BOUND_MS);
    expect(hung.detail).toMatch(/^did not answer for \d/);
    expect(restart.reason).toMatch(/^did not answer for .+; killed and restarted \(1\/3\)$/);
    expect(await allGone([pid], 3000)).toBe(true);
    const answer = await fetch(`http://127.0.0.1:${port}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat', prompt: 'hi', max_tokens: 2 }),
    });
    expect(answer.status).toBe(200);
    const status = JSON.parse(String((await modelctl(['status', '-c', file, '--json']).child).stdout));
    expect(status.servers[0]).toMatchObject({ name: 'llm', state: 'ready', restarts: 1, answered: true });
    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(0);
  });

  it('a foreign command server stopped with SIGSTOP: the same, through its health URL', async () => {
    const file = await config('stop-foreign', { other: await fake() });
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 30_000);
    const pid = fakePid(run, 'other');
    const { detectedMs } = await hangAndRecover(run, 'other', () => freeze(pid));
    expect(detectedMs).toBeLessThan(DETECTION_BOUND_MS);
    expect(await allGone([pid], 3000)).toBe(true);
    run.child.kill('SIGINT');
    await run.child;
  });

  it('a server whose event loop is blocked (busy-waiting) is detected the same way', async () => {
    const file = await config('blocked', { busy: await fake() });
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 30_000);
    const pid = fakePid(run, 'busy');
    const { restart } = await hangAndRecover(run, 'busy', () => freeze(pid, 'SIGUSR2'));
    expect(restart.reason).toMatch(/did not answer/);
    run.child.kill('SIGINT');
    await run.child;
  });

  it('with restart policy off, the hung server is reported failed and the others keep running', async () => {
    const file = await config('policy-off', { frozen: await fake(undefined, 'off'), healthy: await fake() });
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 30_000);
    freeze(fakePid(run, 'frozen'));
    await run.waitFor(stateEvent('frozen', 'hung'), 30_000);
    const failed = await run.waitFor(stateEvent('frozen', 'failed'), 30_000);
    expect(failed.detail).toMatch(/did not answer for .+; killed; restart policy off/);
    expect(run.events.some((e) => e.type === 'restart')).toBe(false);
    expect(run.events.filter((e) => e.type === 'state' && e.server === 'healthy').at(-1)).toMatchObject({
      state: 'ready',
    });
    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(1);
  });
});

describe('modelctl status tells one truth', () => {
  it('never prints ready for a server that does not answer', async () => {
    const file = await config('status-truth', { llm: await llm(['liveness: off']) });
    const run = modelctl(['up', '-c', file, '--json', '--no-pull']);
    await run.waitFor((e) => e.type === 'result', 60_000);
    const pid = spawnedPid(run, 'llm');
    freeze(pid);
    try {
      const text = String((await modelctl(['status', '-c', file]).child).stdout);
      const line = text.split('\n').find((l) => l.startsWith('llm'));
      if (!line) throw new Error(`status said: ${text}`);
      expect(line).toMatch(/^llm\s+hung\s+\(no answer/);
      expect(line).not.toMatch(/ready/);
      const json = JSON.parse(String((await modelctl(['status', '-c', file, '--json']).child).stdout));
      expect(json.servers[0]).toMatchObject({ state: 'hung', supervisorState: 'ready', answered: false });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    run.child.kill('SIGINT');
    await run.child;
  });
});
