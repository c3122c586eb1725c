import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../common/config/load.js';
import { crashJournalFile } from '../../common/crash-journal.js';
import { ServerExitedError } from '../../common/errors.js';
import { writeJsonAtomically } from '../../common/json-file.js';
import type { SupervisorEvent } from '../../src/supervisor/events.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { fakeSpawner, type FakeChild } from '../helpers/fake-child.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();

/** Two built-in servers; fast backoff and watchdog so the tests run in milliseconds. */
function stack(extra = '') {
  const server = (name: string, port: number) => `
  ${name}:
    kind: llm
    port: ${port}
    restart: { policy: on-failure, max: 2, backoff: 10ms }
    liveness: { period: 20ms, timeout: 10ms, failures: 2 }
    models: [{ name: m, path: m.gguf }]${extra}`;
  return parseConfig(`grace: 50ms\nservers:${server('a', 18001)}${server('b', 18002)}\n`, join(dir, 'models.yaml'), {});
}

function supervise(onSpawn: (child: FakeChild, index: number) => void, watch = false) {
  const { spawner, children } = fakeSpawner(onSpawn);
  const sup = new Supervisor(stack(), { budgetMs: 5000, graceMs: 50, spawner, watch });
  const events: SupervisorEvent[] = [];
  sup.on('event', (e: SupervisorEvent) => events.push(e));
  const server = (spec: FakeChild['spec']) => spec.args[spec.args.indexOf('--server') + 1];
  return { sup, children, events, server };
}

const until = async (test: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Supervisor', () => {
  it('fails fast: one server exits before ready, up throws why, and the other is stopped', async () => {
    const { sup, children, events, server } = supervise((c) => {
      if (server(c.spec) === 'b') {
        c.say('engine: cannot open model');
        setTimeout(() => c.exit(3), 20);
      }
    });
    const error = await sup.up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerExitedError);
    expect((error as Error).message).toMatch(/server b exited before it was ready \(exit code 3\)/);
    expect((error as Error).message).toContain('engine: cannot open model');
    const a = children.find((c) => server(c.spec) === 'a')!;
    expect(a.signals[0]).toBe('SIGTERM');
    expect(sup.servers.map((s) => s.state)).toEqual(['stopped', 'stopped']);
    const failedAt = events.findIndex((e) => e.type === 'state' && e.server === 'b' && e.state === 'failed');
    const stoppingA = events.findIndex((e) => e.type === 'state' && e.server === 'a' && e.state === 'stopping');
    expect(failedAt).toBeGreaterThanOrEqual(0);
    expect(stoppingA).toBeGreaterThan(failedAt);
  });

  it('fails fast when a server exits after its own ready but before the rest of the stack is ready', async () => {
    const { sup, children, server } = supervise((c) => {
      if (server(c.spec) === 'a') {
        setTimeout(() => c.ready(), 5);
        setTimeout(() => c.exit(1), 20);
      } else setTimeout(() => c.ready(), 80);
    }, true);
    const error = await sup.up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerExitedError);
    expect((error as Error).message).toMatch(/^server a exited after it was ready, before the rest of the stack was/);
    const b = children.find((c) => server(c.spec) === 'b')!;
    expect(b.signals[0]).toBe('SIGTERM');
    expect(sup.servers.map((s) => s.state)).toEqual(['stopped', 'stopped']);
  });

  it('restarts a server that crashes after ready, with backoff, and marks it failed after the maximum', async () => {
    const { sup, children, events, server } = supervise((c) => setTimeout(() => c.ready(), 5));
    await sup.up();
    const crashB = () =>
      children
        .filter((c) => server(c.spec) === 'b')
        .at(-1)!
        .exit(1);
    crashB();
    await until(() => events.some((e) => e.type === 'restart' && e.attempt === 1));
    await until(() => sup.servers[1]!.state === 'ready');
    crashB();
    await until(() => sup.servers[1]!.state === 'ready' && sup.servers[1]!.restarts === 2);
    crashB();
    await until(() => sup.servers[1]!.state === 'failed');
    const restarts = events.filter((e) => e.type === 'restart').map((e) => (e as { delayMs: number }).delayMs);
    expect(restarts).toEqual([10, 20]);
    expect(events.findLast((e) => e.type === 'state' && e.server === 'b')).toMatchObject({
      state: 'failed',
      detail: expect.stringContaining('2 restart(s) used'),
    });
    expect(sup.servers[0]!.state).toBe('ready');
    await sup.shutdown();
  });

  it('shuts down with SIGTERM first and SIGKILL only for a server that outlives the grace period', async () => {
    const { sup, children, server } = supervise((c) => {
      c.ignoreTerm = server(c.spec) === 'b';
      setTimeout(() => c.ready(), 5);
    });
    await sup.up();
    await sup.shutdown();
    const [a, b] = children;
    expect(a!.signals).toEqual(['SIGTERM']);
    expect(b!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(sup.servers.map((s) => s.state)).toEqual(['stopped', 'stopped']);
    await sup.shutdown();
  });

  it('restarts at once a server whose start-up crash its journal pins on a model in native code', async () => {
    const { sup, children, events, server } = supervise((c) => {
      const first = children.filter((x) => server(x.spec) === 'a').length === 1;
      if (server(c.spec) === 'a' && first) {
        const journal = { server: 'a', pid: c.pid, inflight: [{ model: 'm', phase: 'load', alone: false }] };
        writeJsonAtomically(crashJournalFile(join(dir, '.modelctl'), 'a'), journal);
        c.say('llama-model.cpp:1226: GGML_ASSERT(hparams.n_layer_all > 0) failed');
        c.exit(null, 'SIGABRT');
      } else setTimeout(() => c.ready(), 5);
    });
    await sup.up();
    const restart = events.find((e) => e.type === 'restart');
    expect(restart).toMatchObject({ server: 'a', delayMs: 0 });
    expect((restart as { reason: string }).reason).toMatch(
      /^exited \(SIGABRT: GGML_ASSERT\(hparams.n_layer_all > 0\) failed\) with m \(load\)/,
    );
    expect((restart as { reason: string }).reason).toContain('m (load)');
    expect(sup.servers[0]).toMatchObject({ state: 'ready', restarts: 1 });
    await sup.shutdown();
  });

  it('tells every pid and every watchdog answer in its one event stream, and its view follows them', async () => {
    // A pid past the kernel's pid_max (2^22 at most): the SIGKILL a stop sends the guard's child can reach no one.
    const commandPid = (c: FakeChild) => 2 ** 30 + c.pid;
    const { sup, children, events } = supervise((c) => {
      c.emit('message', { type: 'child', pid: commandPid(c) });
      setTimeout(() => c.ready(), 5);
    }, true);
    await sup.up();
    await until(() => events.filter((e) => e.type === 'answered' && e.server === 'a').length >= 2);
    expect(sup.view.servers[0]!.pids).toEqual([children[0]!.pid, commandPid(children[0]!)]);
    expect(events.find((e) => e.type === 'child')).toMatchObject({ server: 'a', pid: commandPid(children[0]!) });
    expect(sup.view.servers[0]!.lastAnswerAt).toBe(
      events.findLast((e) => e.type === 'answered' && e.server === 'a')!.at,
    );
    await sup.shutdown();
  });

  it('kills and restarts a ready server that stops answering its watchdog', async () => {
    const { sup, children, events, server } = supervise((c) => setTimeout(() => c.ready(), 5), true);
    await sup.up();
    const a = children.find((c) => server(c.spec) === 'a')!;
    a.answers = false;
    await until(() => sup.servers[0]!.restarts === 1 && sup.servers[0]!.state === 'ready');
    expect(a.signals).toEqual(['SIGKILL']);
    const order = events.filter((e) => (e.type === 'missed' || e.type === 'state') && e.server === 'a');
    const words = order.map((e) => (e.type === 'missed' ? `missed ${e.misses}` : (e as { state: string }).state));
    expect(words.slice(words.indexOf('missed 1'))).toEqual([
      'missed 1',
      'missed 2',
      'hung',
      'restarting',
      'starting',
      'ready',
    ]);
    expect(events.find((e) => e.type === 'restart')).toMatchObject({
      reason: expect.stringMatching(/^did not answer for \d+ ms; killed and restarted \(1\/2\)$/),
    });
    expect(sup.servers[1]!.restarts).toBe(0);
    await sup.shutdown();
  });
});
