import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryGate, NeverFitsError } from '../../../../servers/core/load/admission.js';

const MiB = 2 ** 20;
const need = (mib: number) => ({ bytes: mib * MiB, parts: { weights: mib * MiB } });

/** A gate under `memoryLimit` whose process memory the test moves by hand; plenty of system memory. */
function gate(limitMib: number) {
  const proc = { rss: 100 * MiB };
  const g = new MemoryGate({
    limitBytes: limitMib * MiB,
    marginBytes: 0,
    pollMs: 10,
    rss: () => proc.rss,
    read: () => ({ availableBytes: 64 * 1024 * MiB }),
  });
  return { g, proc };
}

describe('memory admission', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('admits loads while their estimates fit, and makes the next one wait (saying how much is free)', async () => {
    const { g } = gate(700);
    const waits: number[] = [];
    await g.admit('a', need(250), (free) => waits.push(free));
    await g.admit('b', need(250), (free) => waits.push(free));
    let admitted = false;
    void g.admit('c', need(250), (free) => waits.push(free / MiB)).then(() => (admitted = true));
    await vi.advanceTimersByTimeAsync(50);
    expect(admitted).toBe(false);
    expect(waits).toEqual([100]);
  });

  it('counts a running load at what it has still to allocate: progress makes room once memory shows it', async () => {
    const { g, proc } = gate(700);
    const a = await g.admit('a', need(250), () => {});
    await g.admit('b', need(250), () => {});
    let admitted = false;
    void g.admit('c', need(250), () => {}).then(() => (admitted = true));
    await vi.advanceTimersByTimeAsync(20);
    expect(admitted).toBe(false);
    // a is loaded but not ended: it took 100 MiB, less than its estimate of 250, and has nothing left to allocate.
    a.progress(1);
    proc.rss += 100 * MiB;
    await vi.advanceTimersByTimeAsync(20);
    expect(admitted).toBe(true);
  });

  it('admits in order: a small load does not jump a waiting large one', async () => {
    const { g } = gate(700);
    const first = await g.admit('a', need(500), () => {});
    const order: string[] = [];
    void g.admit('large', need(300), () => {}).then(() => order.push('large'));
    void g.admit('small', need(50), () => {}).then(() => order.push('small'));
    await vi.advanceTimersByTimeAsync(20);
    expect(order).toEqual([]);
    first.end();
    await vi.advanceTimersByTimeAsync(20);
    expect(order).toEqual(['large', 'small']);
  });

  it('refuses at once a model larger than all there is, naming both numbers and the limit', async () => {
    const { g } = gate(700);
    const refused = await g.admit('big', need(900), () => {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NeverFitsError);
    expect((refused as NeverFitsError).retryable).toBe(false);
    expect((refused as Error).message).toBe(
      'needs 900 MiB (weights 900 MiB); 600 MiB available (memoryLimit, less the runtime and a margin)',
    );
  });

  it('refuses a waiting model once nothing is loading that could make room beside the loaded ones', async () => {
    const { g, proc } = gate(700);
    const a = await g.admit('a', need(400), () => {});
    const later = g.admit('b', need(400), () => {}).catch((e: unknown) => e);
    proc.rss += 400 * MiB;
    a.end();
    await vi.advanceTimersByTimeAsync(20);
    expect(((await later) as Error).message).toBe(
      'needs 400 MiB (weights 400 MiB); only 200 MiB is free beside the models already loaded',
    );
  });
});
