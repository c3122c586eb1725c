import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watchdog } from '../../src/supervisor/watchdog.js';
import { observeServer } from '../../src/supervisor/observe.js';

const settings = { periodMs: 5000, timeoutMs: 2000, failures: 3 };

describe('watchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A server that answers until `silentFrom` (ms), then takes the whole timeout and never answers. */
  function watch(silentFrom: number) {
    const log: string[] = [];
    const dog = new Watchdog(settings, {
      now: () => Date.now(),
      check: (timeoutMs) =>
        Date.now() < silentFrom ? Promise.resolve(true) : new Promise((r) => setTimeout(() => r(false), timeoutMs)),
      onMiss: (misses, silentMs) => log.push(`miss ${misses} after ${silentMs}`),
      onHung: (silentMs) => log.push(`hung after ${silentMs}`),
    });
    dog.start();
    return { log, dog };
  }

  it('calls a server hung after `failures` missed checks, period × failures + timeout after going quiet', async () => {
    const start = Date.now();
    const { log } = watch(start + 5001);
    await vi.advanceTimersByTimeAsync(5000 + 3 * 5000 + 2000);
    expect(log).toEqual(['miss 1 after 7000', 'miss 2 after 12000', 'miss 3 after 17000', 'hung after 17000']);
  });

  it('starts counting again after an answer, and stops checking once stopped', async () => {
    let answers = [false, false, true, false];
    const log: string[] = [];
    const dog = new Watchdog(settings, {
      check: async () => answers.shift() ?? false,
      onAnswer: () => log.push('answer'),
      onMiss: (misses) => log.push(`miss ${misses}`),
      onHung: () => log.push('hung'),
    });
    dog.start();
    await vi.advanceTimersByTimeAsync(4 * 5000);
    expect(log).toEqual(['miss 1', 'miss 2', 'answer', 'miss 1']);
    dog.stop();
    answers = [false, false, false];
    await vi.advanceTimersByTimeAsync(5 * 5000);
    expect(log).toHaveLength(4);
  });
});

describe('observing a server for status', () => {
  const entry = {
    name: 'llm',
    kind: 'llm',
    host: '127.0.0.1',
    port: 1,
    pids: [1],
    state: 'ready',
    restarts: 0,
    lastAnswerAt: new Date(1_000_000).toISOString(),
  };

  it('believes the supervisor only when the server answers', () => {
    expect(observeServer(entry, true, { status: 200 }).state).toBe('ready');
    expect(observeServer(entry, true, undefined, 1_012_000)).toMatchObject({
      state: 'hung',
      detail: 'no answer for 12 s',
      answered: false,
    });
  });

  it('says stalled when /livez answers 503, and down when the process is gone', () => {
    expect(observeServer(entry, true, { status: 503, reason: 'event loop blocked for 2400 ms' })).toMatchObject({
      state: 'stalled',
      detail: 'event loop blocked for 2400 ms',
    });
    expect(observeServer(entry, false, undefined)).toMatchObject({ state: 'down', detail: 'no process' });
    expect(observeServer({ ...entry, state: 'restarting' }, false, undefined).state).toBe('restarting');
  });
});
