import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimingEventInput } from '../../../../common/timing/events.js';
import type { Clock } from '../../../../servers/core/clock.js';
import { loadModels } from '../../../../servers/core/load/loader.js';
import { ModelRecord, serverStatus } from '../../../../servers/core/model-states.js';
import { stageWith, walk } from '../../../helpers/models.js';

const fakeClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
/** Records on one stage (a table of their own), their events landing in `events`. */
function records(names: string[], events: TimingEventInput[] = []) {
  const stage = stageWith<string>(events);
  return names.map((n) => {
    const m = new ModelRecord<string>(n, `/models/${n}.gguf`, 0, true, undefined, stage);
    stage.models.set(n, m);
    return m;
  });
}

describe('loader', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('never runs more loads at once than the cap, and does run that many', async () => {
    let running = 0;
    let peak = 0;
    const models = records(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const done = loadModels(models, {
      concurrency: 3,
      retries: 1,
      retryDelayMs: 500,
      clock: fakeClock,
      load: async (m) => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 100));
        running -= 1;
        return m.name;
      },
    });
    await vi.runAllTimersAsync();
    await done;
    expect(peak).toBe(3);
    expect(models.every((m) => m.state === 'ready' && m.handle === m.name)).toBe(true);
  });

  it('retries a failed load once after 0.5 s', async () => {
    const starts: number[] = [];
    const [m] = records(['flaky']);
    const t0 = Date.now();
    const done = loadModels([m!], {
      concurrency: 1,
      retries: 1,
      retryDelayMs: 500,
      clock: fakeClock,
      load: async () => {
        starts.push(Date.now() - t0);
        if (starts.length === 1) throw new Error('transient');
        return 'ok';
      },
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(starts).toEqual([0]);
    expect(m!.state).toBe('retrying');
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(starts).toEqual([0, 500]);
    expect(m).toMatchObject({ state: 'ready', attempts: 2, error: undefined });
  });

  it('gives up after the one retry, keeps the reason, and the other models still load', async () => {
    const events: TimingEventInput[] = [];
    const models = records(['good', 'bad', 'also-good'], events);
    const done = loadModels(models, {
      concurrency: 2,
      retries: 1,
      retryDelayMs: 500,
      clock: fakeClock,
      load: async (m) => {
        if (m.name === 'bad') throw new Error('wrong magic');
        return m.name;
      },
    });
    await vi.runAllTimersAsync();
    await done;
    expect(models.map((m) => m.state)).toEqual(['ready', 'failed', 'ready']);
    expect(models[1]).toMatchObject({ attempts: 2, error: 'wrong magic' });
    expect(serverStatus(models)).toBe('failed');
    expect(events.filter((e) => e.model === 'bad').map((e) => e.event)).toEqual([
      'load_start',
      'load_failed',
      'retry',
      'load_start',
      'load_failed',
      'failed',
    ]);
    const states = events.filter((e) => e.model === 'bad').map((e) => e.state);
    expect(states).toEqual(['loading', 'loading', 'retrying', 'loading', 'loading', 'failed']);
  });

  it('times every load and reports ready with the attempt', async () => {
    const events: TimingEventInput[] = [];
    const done = loadModels(records(['a'], events), {
      concurrency: 1,
      retries: 1,
      retryDelayMs: 500,
      clock: fakeClock,
      load: async () => {
        await new Promise((r) => setTimeout(r, 250));
        return 'x';
      },
    });
    await vi.runAllTimersAsync();
    await done;
    expect(events.map((e) => [e.event, e.state])).toEqual([
      ['load_start', 'loading'],
      ['load_end', 'loading'],
      ['ready', 'ready'],
    ]);
    expect(events[1]).toMatchObject({ model: 'a', attempt: 1, ms: 250 });
  });

  it('does not hold a slot while a failed load waits for its retry', async () => {
    const order: string[] = [];
    const done = loadModels(records(['flaky', 'next']), {
      concurrency: 1,
      retries: 1,
      retryDelayMs: 500,
      clock: fakeClock,
      load: async (m) => {
        order.push(`${m.name}@${Date.now()}`);
        if (m.name === 'flaky' && m.attempts === 1) throw new Error('once');
        return m.name;
      },
    });
    await vi.runAllTimersAsync();
    await done;
    expect(order[1]).toMatch(/^next@/);
    expect(order[1]).toBe(`next@${Number(order[0]!.split('@')[1])}`);
  });
});

describe('model states', () => {
  it('refuses a transition the table does not allow', () => {
    const m = new ModelRecord('a');
    expect(() => m.moveTo('ready', { event: 'ready' })).toThrow('queued → ready is not allowed');
    walk(m, 'loading', 'ready');
    expect(() => m.moveTo('loading', { event: 'load_start' })).toThrow('ready → loading is not allowed');
  });

  it('derives the server status from its models', () => {
    const [a, b] = records(['a', 'b']);
    expect(serverStatus([a!, b!])).toBe('loading');
    walk(a!, 'loading', 'ready');
    walk(b!, 'loading', 'ready');
    expect(serverStatus([a!, b!])).toBe('ok');
  });
});
