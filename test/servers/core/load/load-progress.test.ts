import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelEvent } from '../../../../servers/core/model-states.js';
import { LoadProgress, StallError } from '../../../../servers/core/load/load-progress.js';

const clock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
const GB = 2 ** 30;

describe('load progress', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports at most four times a second, always the end, with the rate', async () => {
    const events: ModelEvent[] = [];
    const p = new LoadProgress(1, (e) => events.push(e), clock, undefined);
    await p.run(async (watch) => {
      for (let i = 1; i <= 20; i++) {
        await vi.advanceTimersByTimeAsync(100);
        watch.progress(i * 50e6, 1000e6);
      }
    });
    const fractions = events.map((e) => e.fraction);
    expect(events.every((e) => e.event === 'load_progress')).toBe(true);
    expect(fractions.length).toBeLessThanOrEqual(9);
    expect(fractions.at(-1)).toBe(1);
    expect(events.at(-1)!.rate).toBeCloseTo(500e6, -6);
  });

  it('fails an attempt whose progress stops, saying where it stood, and aborts the load', async () => {
    const p = new LoadProgress(1, () => {}, clock, 30_000);
    let signal: AbortSignal | undefined;
    const attempt = p.run(async (watch) => {
      signal = watch.signal;
      watch.progress(0.41 * 20 * GB, 20 * GB);
      return new Promise(() => {});
    });
    const failed = attempt.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(31_000);
    const error = await failed;
    expect(error).toBeInstanceOf(StallError);
    expect((error as Error).message).toBe('no progress for 30 s at 41% (8.2 GiB of 20.0 GiB)');
    expect(signal!.aborted).toBe(true);
  });

  it('does not count waiting for a free engine instance as a stall', async () => {
    const p = new LoadProgress(1, () => {}, clock, 1000);
    const done = p.run(async (watch) => {
      await watch.queue(new Promise((r) => setTimeout(r, 5000)));
      watch.progress(1, 1);
      return 'loaded';
    });
    await vi.advanceTimersByTimeAsync(6000);
    expect(await done).toBe('loaded');
  });
});
