import { describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../../../servers/core/http/http-error.js';
import { WEDGE_GRACE_MS, type ModelHost } from '../../../../servers/core/http/model-host.js';
import type { NativeWork } from '../../../../servers/core/native/native-work.js';
import { hostOver, readyModel, walk } from '../../../helpers/models.js';

function hostWith(requestTimeoutMs = 60_000) {
  const m = readyModel('chat', 'copy-1');
  const models = new Map([['chat', m]]);
  return { m, models, ...hostOver(models, requestTimeoutMs) };
}

/** Work run alone (a suspect's load) that holds every other native call back until `release`. */
function aloneWork(native: NativeWork) {
  let release!: () => void;
  const done = native.run('suspect', 'load', () => new Promise<void>((resolve) => (release = resolve)), {
    alone: true,
  });
  return { release: () => (release(), done) };
}

/** A request whose inference ends when the test says (or when it is cancelled). */
function request(host: ModelHost<string>) {
  let finish!: () => void;
  let began!: () => void;
  const started = new Promise<void>((resolve) => (began = resolve));
  let aborted = false;
  const lease = host.lease('chat');
  const done = lease.run(
    (signal) =>
      new Promise<string>((resolve) => {
        began();
        finish = () => resolve(lease.handle);
        signal.addEventListener('abort', () => {
          aborted = true;
          resolve('cancelled');
        });
      }),
  );
  return { done, finish: () => started.then(() => finish()), aborted: () => aborted };
}

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof HttpError ? [err.status, err.headers['retry-after']] : err;
  }
  return 'served';
};

describe('ModelHost on an unload', () => {
  it('counts inferences in flight and hands over the handle only once they are back', async () => {
    const { m, host } = hostWith();
    const one = request(host);
    const two = request(host);
    expect(host.inflight(m)).toBe(2);
    walk(m, 'unloading');
    let retired: unknown;
    const retiring = host.retire(m, 60_000).then((r) => (retired = r));
    await one.finish();
    await one.done;
    await new Promise((r) => setImmediate(r));
    expect(retired).toBeUndefined();
    expect(m.handle).toBe('copy-1');
    await two.finish();
    await retiring;
    expect(retired).toEqual({ handle: 'copy-1', cancelled: 0 });
    expect(m.handle).toBeUndefined();
    expect(await two.done).toBe('copy-1');
  });

  it('cancels what is still running at the drain timeout, and waits for it to come back', async () => {
    const { m, host } = hostWith();
    const slow = request(host);
    walk(m, 'unloading');
    const retired = await host.retire(m, 20);
    expect(slow.aborted()).toBe(true);
    expect(retired).toEqual({ handle: 'copy-1', cancelled: 1 });
    expect(await slow.done).toBe('cancelled');
  });

  it('refuses new requests while unloading and unloaded; a lease taken before the copy went asks again', async () => {
    const { m, host } = hostWith();
    const early = host.lease('chat');
    walk(m, 'unloading');
    expect(statusOf(() => host.lease('chat'))).toEqual([503, undefined]);
    await host.retire(m, 1000);
    walk(m, 'unloaded');
    expect(statusOf(() => host.lease('chat'))).toEqual([503, undefined]);
    const late = await early.run(async () => 'ran').catch((e: HttpError) => [e.status, e.headers['retry-after']]);
    expect(late).toEqual([503, '1']);
  });

  it('waits for a warm-up or deep check running on the copy (use) before handing over the handle', async () => {
    const { m, host } = hostWith();
    let finish!: () => void;
    const warming = host.use(m, 'warmup', (h) => new Promise<string>((resolve) => (finish = () => resolve(h))));
    walk(m, 'unloading');
    let retired: unknown;
    const retiring = host.retire(m, 60_000).then((r) => (retired = r));
    await new Promise((r) => setImmediate(r));
    expect(host.inflight(m)).toBe(1);
    expect(retired).toBeUndefined();
    expect(m.handle).toBe('copy-1');
    await expect(host.use(m, 'check', async () => 'ran')).rejects.toMatchObject({ status: 503 });
    finish();
    expect(await warming).toBe('copy-1');
    await retiring;
    expect(retired).toEqual({ handle: 'copy-1', cancelled: 0 });
  });

  it('gives up on an inference ignoring its cancellation: out of service, not freed, the engine wedged', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { m, host } = hostWith();
      const stuck = host.lease('chat').run(() => new Promise<never>(() => {}));
      void stuck.catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      walk(m, 'unloading');
      let retired: unknown;
      void host.retire(m, 20).then((r) => (retired = r));
      await vi.advanceTimersByTimeAsync(20 + WEDGE_GRACE_MS - 1);
      expect(retired).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(retired).toEqual({
        handle: undefined,
        cancelled: 1,
        error: 'the engine did not come back from 1 cancelled call within 10 s; copy not freed (restart the server)',
      });
      expect(m.handle).toBeUndefined();
      expect(host.wedged).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never runs a request cancelled by an unload while it waited for its turn', async () => {
    const { m, host, native } = hostWith();
    const suspect = aloneWork(native);
    let ran = false;
    const request = host.lease('chat').run(async () => (ran = true));
    walk(m, 'unloading');
    expect(await host.retire(m, 10)).toEqual({ handle: 'copy-1', cancelled: 1 });
    await suspect.release();
    expect(await request.catch((e: HttpError) => e.status)).toBe(503);
    expect(ran).toBe(false);
  });

  it('serves from a swapping copy', () => {
    const { m, host } = hostWith();
    walk(m, 'swapping');
    expect(host.lease('chat').handle).toBe('copy-1');
  });
});

describe('ModelHost request timeout', () => {
  it('counts from the moment the inference starts, not while it waits behind work run alone', async () => {
    const { host, native } = hostWith(30);
    const suspect = aloneWork(native);
    const request = host.lease('chat').run(async () => 'answered');
    await new Promise((r) => setTimeout(r, 80));
    expect(host.wedged).toBe(false);
    await suspect.release();
    expect(await request).toBe('answered');
  });
});
