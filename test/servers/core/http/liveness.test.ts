import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../servers/core/http/http-error.js';
import { ServerLiveness, UNHEALTHY_AFTER } from '../../../../servers/core/http/liveness.js';
import { WEDGE_GRACE_MS } from '../../../../servers/core/http/model-host.js';
import { hostOver, readyModels, readyStage, walk } from '../../../helpers/models.js';

const busyWait = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

describe('server liveness', () => {
  it('is not alive right after its event loop was blocked longer than the limit, and says why', async () => {
    const models = readyModels('chat');
    const liveness = new ServerLiveness(undefined, models, hostOver(models, 60_000).host, 100);
    await new Promise((r) => setTimeout(r, 50));
    expect(liveness.report().alive).toBe(true);
    busyWait(300);
    await new Promise((r) => setTimeout(r, 30));
    const report = liveness.report();
    expect(report).toMatchObject({ alive: false, reason: expect.stringMatching(/^event loop blocked for \d+ ms$/) });
    expect(report.eventLoopDelayMs).toBeGreaterThan(100);
    liveness.stop();
  });

  it('turns a model unhealthy after two failed inference checks in a row, ready again after one passes', async () => {
    const stage = readyStage('chat', 'code');
    const models = stage.models;
    const settings = { periodMs: 20, timeoutMs: 50, failures: 3, inferenceMs: 20 };
    const liveness = new ServerLiveness(settings, models, hostOver(models, 60_000).host, 10_000);
    let chatWorks = false;
    liveness.startDeepChecks(async (m) => {
      if (m.name === 'chat' && !chatWorks) throw new Error('no answer');
    });
    while (models.get('chat')!.state !== 'unhealthy') await new Promise((r) => setTimeout(r, 10));
    expect(models.get('chat')!.checkFailuresInARow).toBe(UNHEALTHY_AFTER);
    expect(models.get('code')!.state).toBe('ready');
    expect(liveness.report().alive).toBe(true);
    chatWorks = true;
    while (models.get('chat')!.state !== 'ready') await new Promise((r) => setTimeout(r, 10));
    expect(stage.events.map((e) => `${e.model} ${e.event} ${e.state}`)).toEqual([
      'chat unhealthy unhealthy',
      'chat healthy ready',
    ]);
    expect(liveness.checks.failed).toBeGreaterThanOrEqual(UNHEALTHY_AFTER);
    liveness.stop();
  });

  it('does not start a round of inference checks while the last one still runs', async () => {
    const models = readyModels('chat');
    const settings = { periodMs: 10, timeoutMs: 1000, failures: 3, inferenceMs: 10 };
    const liveness = new ServerLiveness(settings, models, hostOver(models, 60_000).host, 10_000);
    let calls = 0;
    let answer!: () => void;
    liveness.startDeepChecks(() => ((calls += 1), new Promise<void>((resolve) => (answer = resolve))));
    await new Promise((r) => setTimeout(r, 80));
    expect(calls).toBe(1);
    answer();
    while (calls < 2) await new Promise((r) => setTimeout(r, 10));
    expect(liveness.checks.ok).toBe(1);
    liveness.stop();
  });

  it('is not alive once every loaded model failed its inference check', () => {
    const models = readyModels('chat');
    walk(models.get('chat')!, 'unhealthy');
    const liveness = new ServerLiveness(undefined, models, hostOver(models, 60_000).host, 10_000);
    expect(liveness.report()).toMatchObject({ alive: false, reason: 'every model failed its inference check' });
    liveness.stop();
  });
});

describe('request timeout', () => {
  it('cancels an inference that takes longer than requestTimeout with 504, and counts it', async () => {
    const models = readyModels('chat');
    const host = hostOver(models, 30).host;
    let cancelled = false;
    const slow = host.lease('chat').run(
      (signal) =>
        new Promise<string>((resolve) => {
          signal.addEventListener('abort', () => {
            cancelled = true;
            resolve('partial');
          });
        }),
    );
    const error = await slow.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({
      status: 504,
      message: 'model "chat" took longer than 0 s (requestTimeout); cancelled',
    });
    expect(cancelled).toBe(true);
    expect(models.get('chat')!.timeouts).toBe(1);
    expect(host.wedged).toBe(false);
  });

  it('calls the engine wedged when a cancelled inference does not come back', async () => {
    const models = readyModels('chat');
    const host = hostOver(models, 10).host;
    const { vi } = await import('vitest');
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const stuck = host.lease('chat').run(() => new Promise<never>(() => {}));
      const settled = stuck.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(10);
      expect(await settled).toMatchObject({ status: 504 });
      expect(host.wedged).toBe(false);
      await vi.advanceTimersByTimeAsync(WEDGE_GRACE_MS);
      expect(host.wedged).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
