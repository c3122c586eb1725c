import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { freePort, tempDir } from '../helpers/tmp.js';
import { allGone, FAKE_SERVER, modelctl, spawnedPids, type UpRun } from '../helpers/modelctl.js';

const dir = tempDir();

interface StatusJson {
  running: boolean;
  supervisorPid: number;
  uptimeMs: number;
  servers: { name: string; state: string; restarts: number; pids: number[] }[];
}

/** Waits until the first server in the state file passes `test` (the supervisor rewrites it on every change). */
async function waitForState(file: string, test: (s: { state: string; restarts: number }) => boolean) {
  for (let i = 0; i < 1500; i++) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text && test((JSON.parse(text) as StatusJson).servers[0]!)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`state file never got there: ${existsSync(file) ? readFileSync(file, 'utf8') : '(none)'}`);
}

/** A config of fake foreign servers, each with its own flags; its state folder is `.modelctl` in `folder`. */
async function fakeStack(name: string, servers: Record<string, string[]>, extra = '', folder = dir): Promise<string> {
  const lines = [`grace: 500ms`, extra, 'servers:'];
  for (const [server, flags] of Object.entries(servers)) {
    const port = await freePort();
    lines.push(
      `  ${server}:`,
      `    port: ${port}`,
      `    command: ${JSON.stringify(['node', FAKE_SERVER, '--port', String(port), ...flags])}`,
      '    restart: { policy: on-failure, max: 2, backoff: 200ms }',
    );
  }
  const file = join(folder, `${name}.yaml`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

/** Every pid the run started: the guards (spawned events) and the fake servers (which print theirs). */
function pidsOf(run: UpRun): number[] {
  const printed = run.events
    .filter((e) => e.type === 'output' && /fake-server: pid \d+/.test(String(e.line)))
    .map((e) => Number(/pid (\d+)/.exec(String(e.line))![1]));
  return [...spawnedPids(run.events), ...printed];
}

const result = (run: UpRun) => run.waitFor((e) => e.type === 'result');
const stateEvent = (server: string, state: string) => (e: Record<string, unknown>) =>
  e.type === 'state' && e.server === server && e.state === state;
/** A file the test creates to tell a fake server something (`--ready-when`, `--crash-when`). */
const signalFile = (name: string) => join(dir, `${name}.signal`);
const send = (file: string) => writeFileSync(file, '');

describe('modelctl up with fake servers', () => {
  it('starts all servers at once, reports each ready, prints the summary, and stops cleanly on SIGINT', async () => {
    const [readyA, readyB] = [signalFile('ok-a'), signalFile('ok-b')];
    const config = await fakeStack('ok', { a: ['--ready-when', readyA], b: ['--ready-when', readyB] });
    const run = modelctl(['up', '-c', config, '--json', '--no-pull']);
    // Neither can be ready before both run: a supervisor that waited for one before starting the next would hang here.
    for (const server of ['a', 'b'])
      await run.waitFor((e) => e.type === 'output' && e.server === server && String(e.line).includes('pid'));
    send(readyA);
    const aReady = await run.waitFor(stateEvent('a', 'ready'));
    expect(run.events.some(stateEvent('b', 'ready'))).toBe(false);
    send(readyB);
    const r = await result(run);
    const bReady = run.events.find(stateEvent('b', 'ready'))!;
    expect(r).toMatchObject({ ok: true, budgetMs: 120_000, summary: [{ server: 'a' }, { server: 'b' }] });
    expect(aReady.at as number).toBeLessThan(bReady.at as number);
    expect(r.coldStartMs).toBeGreaterThanOrEqual(Math.floor(bReady.at as number));
    const pids = pidsOf(run);
    expect(pids).toHaveLength(4);
    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(0);
    expect(await allGone(pids)).toBe(true);
  });

  it('fails fast when a server exits before ready: exit 1, its exit code and last lines, others stopped', async () => {
    const run = modelctl([
      'up',
      '-c',
      await fakeStack('early', { good: ['--never-ready'], bad: ['--exit-early', '3'] }),
      '--json',
      '--no-pull',
    ]);
    const r = await result(run);
    expect(r).toMatchObject({ ok: false, exitCode: 1 });
    expect(r.error).toMatch(/server bad exited before it was ready \(exit code 3\)/);
    expect(r.error).toContain('fake-server: giving up before ready');
    expect((await run.child).exitCode).toBe(1);
    expect(await allGone(pidsOf(run))).toBe(true);
  });

  it('exits 3 when the budget runs out, naming what was still loading', async () => {
    const run = modelctl([
      'up',
      '-c',
      await fakeStack('slow', { quick: [], stuck: ['--never-ready'] }),
      '--budget',
      '1s',
      '--json',
      '--no-pull',
    ]);
    const r = await result(run);
    expect(r).toMatchObject({ ok: false, exitCode: 3 });
    // `quick` is named too when a busy machine did not get it ready within the second; `stuck` always is.
    expect(r.error).toMatch(/^cold-start budget of 1000 ms exceeded; still loading: (quick .*, )?stuck /);
    expect((await run.child).exitCode).toBe(3);
    expect(await allGone(pidsOf(run))).toBe(true);
  });

  it('refuses to start when a port is taken, starting nothing', async () => {
    const config = await fakeStack('busy', { a: [] });
    const port = Number(/--port","(\d+)/.exec(readFileSync(config, 'utf8'))![1]);
    const blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const run = modelctl(['up', '-c', config, '--no-pull']);
      const done = await run.child;
      expect(done.exitCode).toBe(1);
      expect(done.stderr).toContain(`server a: port ${port} on 127.0.0.1 is already in use`);
      expect(done.stdout).not.toContain('started');
    } finally {
      blocker.close();
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('stops every server on %s during loading and exits 130', async (signal) => {
    const run = modelctl(['up', '-c', await fakeStack(`interrupt-${signal}`, { a: ['--never-ready'] }), '--json']);
    await run.waitFor((e) => e.type === 'output' && String(e.line).includes('fake-server: pid'));
    run.child.kill(signal);
    const r = await result(run);
    expect(r).toMatchObject({ ok: false, exitCode: 130 });
    expect(r.error).toContain(`interrupted by ${signal} before the stack was ready`);
    expect((await run.child).exitCode).toBe(130);
    expect(await allGone(pidsOf(run))).toBe(true);
  });

  it('leaves no process behind when modelctl itself is killed with SIGKILL', async () => {
    const run = modelctl([
      'up',
      '-c',
      await fakeStack('sigkill', { a: [], b: ['--ignore-sigterm'] }),
      '--json',
      '--no-pull',
    ]);
    await result(run);
    const pids = pidsOf(run);
    expect(pids).toHaveLength(4);
    run.child.kill('SIGKILL');
    await run.child;
    expect(await allGone(pids)).toBe(true);
  });

  it('escalates to SIGKILL after the grace period for a server that ignores SIGTERM', async () => {
    const run = modelctl(['up', '-c', await fakeStack('stubborn', { a: ['--ignore-sigterm'] }), '--json', '--no-pull']);
    await result(run);
    const started = performance.now();
    run.child.kill('SIGTERM');
    await run.waitFor((e) => e.type === 'output' && e.line === 'fake-server: ignoring SIGTERM');
    expect((await run.child).exitCode).toBe(0);
    // It was not stopped before the grace period (500 ms in fakeStack) ran out; after it, nothing is left.
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
    expect(await allGone(pidsOf(run))).toBe(true);
  });

  it('restarts a server that crashes after ready, with backoff, and gives up after the maximum', async () => {
    const run = modelctl([
      'up',
      '-c',
      await fakeStack('crash', { a: ['--crash-after', '200'] }),
      '--json',
      '--no-pull',
    ]);
    await result(run);
    const restarts = await Promise.all([1, 2].map((n) => run.waitFor((e) => e.type === 'restart' && e.attempt === n)));
    expect(restarts.map((e) => e.delayMs)).toEqual([200, 400]);
    await run.waitFor(
      (e) => e.type === 'state' && e.state === 'failed' && String(e.detail).includes('2 restart(s) used'),
    );
    expect(run.events.filter((e) => e.type === 'state' && e.server === 'a' && e.state === 'ready')).toHaveLength(3);
    run.child.kill('SIGINT');
    await run.child;
  });
});

describe('modelctl up with a bad config or bad flags', () => {
  it('exits 2 naming the problem, and starts nothing', async () => {
    const own = tempDir();
    const started = join(own, 'started.pids');
    const typo = await fakeStack('bad-config', { a: ['--touch', started] }, 'budgett: 10s', own);
    const badConfig = await modelctl(['up', '-c', typo]).child;
    expect(badConfig.exitCode).toBe(2);
    expect(badConfig.stderr).toContain('budgett: unknown key (did you mean "budget"?)');

    const good = await fakeStack('bad-flag', { a: ['--touch', started] }, '', own);
    const badFlag = await modelctl(['up', '-c', good, '--budget', 'soon']).child;
    expect(badFlag.exitCode).toBe(2);
    expect(badFlag.stderr).toContain('--budget: expected a duration such as 500ms, 0.5s or 2m, got "soon"');

    expect(existsSync(started)).toBe(false);
    expect(existsSync(join(own, '.modelctl'))).toBe(false);
  });
});

describe('modelctl up -d, status, down', () => {
  it('returns once ready, leaves the stack running, and down stops every process', async () => {
    const own = tempDir();
    const stateFile = join(own, '.modelctl/state.json');
    const crash = signalFile('detach-crash');
    const config = await fakeStack('detach', { a: ['--crash-when', crash] }, '', own);
    const upStarted = Date.now();
    const up = await modelctl(['up', '-d', '-c', config, '--no-pull']).child;
    const upReturned = Date.now();
    // A detached stack outlives the test unless stopped: stop it whatever happens below.
    onTestFinished(async () => {
      if (existsSync(stateFile)) await modelctl(['down', '-c', config]).child;
    });
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toMatch(/cold start [\d.]+ m?s \(budget 120 s\)/);
    const status = async () => {
      const asked = Date.now();
      const s = JSON.parse(String((await modelctl(['status', '-c', config, '--json']).child).stdout)) as StatusJson;
      return { s, asked, answered: Date.now() };
    };
    const first = await status();
    expect(first.s).toMatchObject({ running: true, servers: [{ name: 'a', state: 'ready', restarts: 0 }] });
    // The stack started after `up -d` did and before it returned: uptime lies between those two clocks.
    expect(first.s.uptimeMs).toBeGreaterThanOrEqual(first.asked - upReturned);
    expect(first.s.uptimeMs).toBeLessThanOrEqual(first.answered - upStarted);

    send(crash);
    await waitForState(stateFile, (a) => a.restarts === 1 && a.state === 'ready');
    const second = await status();
    expect(second.s).toMatchObject({ running: true, servers: [{ name: 'a', state: 'ready', restarts: 1 }] });
    expect(second.s.uptimeMs).toBeGreaterThanOrEqual(second.asked - upReturned);
    // The stack's uptime, not the restarted server's: it grew by the time between the two answers, at least.
    expect(second.s.uptimeMs - first.s.uptimeMs).toBeGreaterThanOrEqual(second.asked - first.answered);
    expect(second.s.uptimeMs - first.s.uptimeMs).toBeLessThanOrEqual(second.answered - first.asked);

    const down = await modelctl(['down', '-c', config]).child;
    expect(down.exitCode).toBe(0);
    expect(await allGone([second.s.supervisorPid, ...second.s.servers[0]!.pids])).toBe(true);
    expect(existsSync(stateFile)).toBe(false);
    expect((await modelctl(['status', '-c', config]).child).exitCode).toBe(1);
  });
});
