import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitUntilReady, type Outcome } from '../../src/supervisor/readiness.js';

class FakeChild extends EventEmitter {}

describe('readiness race', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const settle = async (p: Promise<Outcome>, ms: number) => {
    await vi.advanceTimersByTimeAsync(ms);
    return p;
  };

  it('is won by the pushed ready signal', async () => {
    const child = new FakeChild();
    const p = waitUntilReady(child, { timeoutMs: 10_000 });
    setTimeout(() => child.emit('message', { type: 'ready', ms: 5 }), 300);
    expect(await settle(p, 300)).toEqual({ kind: 'ready' });
    expect(child.listenerCount('message')).toBe(0);
  });

  it('ends at once when the child exits before ready, with its exit code', async () => {
    const child = new FakeChild();
    const p = waitUntilReady(child, { timeoutMs: 10_000 });
    setTimeout(() => child.emit('exit', { code: 3, signal: null }), 50);
    expect(await settle(p, 50)).toEqual({ kind: 'exited', exit: { code: 3, signal: null } });
  });

  it('reports a model that failed for good', async () => {
    const child = new FakeChild();
    const p = waitUntilReady(child, { timeoutMs: 10_000 });
    child.emit('message', { type: 'failed', error: 'chat: wrong magic' });
    expect(await p).toEqual({ kind: 'model-failed', error: 'chat: wrong magic' });
  });

  it('gives up at the deadline', async () => {
    const p = waitUntilReady(new FakeChild(), { timeoutMs: 1000 });
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void p.then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false);
    expect(await settle(p, 1)).toEqual({ kind: 'deadline' });
  });

  it('stops waiting on abort (Ctrl-C)', async () => {
    const abort = new AbortController();
    const p = waitUntilReady(new FakeChild(), { timeoutMs: 10_000, signal: abort.signal });
    abort.abort();
    expect(await p).toEqual({ kind: 'aborted' });
  });

  it('polls health: connection refused and 503 mean still loading, 200 means ready', async () => {
    const answers = [undefined, undefined, 503, 503, 200];
    const probe = vi.fn(async () => answers.shift());
    const p = waitUntilReady(new FakeChild(), { timeoutMs: 10_000, healthUrl: 'http://x/health', pollMs: 100, probe });
    expect(await settle(p, 400)).toEqual({ kind: 'ready' });
    expect(probe).toHaveBeenCalledTimes(5);
  });

  it('answers at once for a child that already exited', async () => {
    const child = Object.assign(new FakeChild(), { exitInfo: { code: 1, signal: null } });
    expect(await waitUntilReady(child, { timeoutMs: 10 })).toEqual({ kind: 'exited', exit: { code: 1, signal: null } });
  });
});
