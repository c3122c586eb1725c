import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, tempDir } from '../helpers/tmp.js';
import { allGone, FAKE_SERVER, modelctl, spawnedPids, type UpRun } from '../helpers/modelctl.js';

const dir = tempDir();

/** A config of fake foreign servers, each with its own flags. */
async function fakeStack(name: string, servers: Record<string, string[]>, extra = ''): Promise<string> {
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
  const file = join(dir, `${name}.yaml`);
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

describe('modelctl up with fake servers', () => {
  it('starts all servers at once, reports each ready, prints the summary, and stops cleanly on SIGINT', async () => {
    const run = modelctl([
      'up',
      '-c',
      await fakeStack('ok', { a: ['--ready-after', '300'], b: ['--ready-after', '600'] }),
      '--json',
      '--no-pull',
    ]);
    const r = await result(run);
    expect(r).toMatchObject({ ok: true, budgetMs: 120_000, summary: [{ server: 'a' }, { server: 'b' }] });
    const spawned = run.events.filter((e) => e.type === 'spawned').map((e) => e.at as number);
    expect(Math.max(...spawned) - Math.min(...spawned)).toBeLessThan(200);
    const readyA = run.events.find((e) => e.type === 'state' && e.server === 'a' && e.state === 'ready')!.at as number;
    const readyB = run.events.find((e) => e.type === 'state' && e.server === 'b' && e.state === 'ready')!.at as number;
    expect(readyA).toBeLessThan(readyB);
    expect(r.coldStartMs).toBeGreaterThanOrEqual(600);
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
      await fakeStack('early', { good: ['--ready-after', '5000'], bad: ['--exit-early', '3'] }),
      '--json',
      '--no-pull',
    ]);
    const r = await result(run);
    expect(r).toMatchObject({ ok: false, exitCode: 1 });
    expect(r.error).toMatch(/server bad exited before it was ready \(exit code 3\)/);
    expect(r.error).toContain('fake-server: giving up before ready');
    expect((await run.child).exitCode).toBe(1);
    expect(await allGone(pidsOf(run), 3000)).toBe(true);
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
    expect(r.error).toMatch(/cold-start budget of 1000 ms exceeded; still loading: stuck/);
    expect((await run.child).exitCode).toBe(3);
    expect(await allGone(pidsOf(run), 3000)).toBe(true);
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

  it('stops every server on Ctrl-C during loading and exits 130', async () => {
    const run = modelctl([
      'up',
      '-c',
      await fakeStack('interrupt', { a: ['--ready-after', '20000'] }),
      '--json',
      '--no-pull',
    ]);
    await run.waitFor((e) => e.type === 'output' && String(e.line).includes('fake-server: pid'));
    run.child.kill('SIGINT');
    expect((await run.child).exitCode).toBe(130);
    expect(await allGone(pidsOf(run), 3000)).toBe(true);
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
    expect(await allGone(pids, 5000)).toBe(true);
  });

  it('escalates to SIGKILL after the grace period for a server that ignores SIGTERM', async () => {
    const run = modelctl(['up', '-c', await fakeStack('stubborn', { a: ['--ignore-sigterm'] }), '--json', '--no-pull']);
    await result(run);
    const started = Date.now();
    run.child.kill('SIGTERM');
    expect((await run.child).exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await allGone(pidsOf(run), 1000)).toBe(true);
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

describe('modelctl up -d, status, down', () => {
  it('returns once ready, leaves the stack running, and down stops every process', async () => {
    const config = await fakeStack('detach', { a: ['--ready-after', '200'] });
    const up = await modelctl(['up', '-d', '-c', config, '--no-pull']).child;
    expect(up.exitCode).toBe(0);
    expect(up.stdout).toMatch(/cold start \d+ ms/);
    const status = await modelctl(['status', '-c', config, '--json']).child;
    const s = JSON.parse(String(status.stdout)) as {
      running: boolean;
      supervisorPid: number;
      servers: { name: string; state: string; pids: number[] }[];
    };
    expect(s).toMatchObject({ running: true, servers: [{ name: 'a', state: 'ready' }] });
    const down = await modelctl(['down', '-c', config]).child;
    expect(down.exitCode).toBe(0);
    expect(await allGone([s.supervisorPid, ...s.servers[0]!.pids], 1000)).toBe(true);
    expect(existsSync(join(dir, '.modelctl/state.json'))).toBe(false);
    expect((await modelctl(['status', '-c', config]).child).exitCode).toBe(1);
  });
});
