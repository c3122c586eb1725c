import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../servers/core/http-error.js';
import { ModelHost } from '../../../servers/core/model-host.js';
import { ModelMemory, modelMemoryFile } from '../../../servers/core/model-memory.js';
import { ModelRecord } from '../../../servers/core/model-states.js';
import { NativeWork } from '../../../servers/core/native-work.js';
import { tempDir } from '../../helpers/tmp.js';

const dir = tempDir();

function hostWith(name: string) {
  const m = new ModelRecord<string>('chat', '/models/chat.gguf');
  m.moveTo('loading');
  m.moveTo('ready');
  m.handle = 'copy-1';
  const models = new Map([['chat', m]]);
  const host = new ModelHost(
    models,
    new NativeWork('llm', join(dir, name)),
    new ModelMemory(modelMemoryFile(join(dir, name), 'llm')),
    60_000,
  );
  return { m, host, models };
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
    const { m, host } = hostWith('drain');
    const one = request(host);
    const two = request(host);
    expect(host.inflight(m)).toBe(2);
    m.moveTo('unloading');
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
    const { m, host } = hostWith('timeout');
    const slow = request(host);
    m.moveTo('unloading');
    const retired = await host.retire(m, 20);
    expect(slow.aborted()).toBe(true);
    expect(retired).toEqual({ handle: 'copy-1', cancelled: 1 });
    expect(await slow.done).toBe('cancelled');
  });

  it('refuses new requests while unloading and unloaded; a lease taken before the copy went asks again', async () => {
    const { m, host } = hostWith('refuse');
    const early = host.lease('chat');
    m.moveTo('unloading');
    expect(statusOf(() => host.lease('chat'))).toEqual([503, undefined]);
    await host.retire(m, 1000);
    m.moveTo('unloaded');
    expect(statusOf(() => host.lease('chat'))).toEqual([503, undefined]);
    const late = await early.run(async () => 'ran').catch((e: HttpError) => [e.status, e.headers['retry-after']]);
    expect(late).toEqual([503, '1']);
  });

  it('serves from a swapping copy', () => {
    const { m, host } = hostWith('swap');
    m.moveTo('swapping');
    expect(host.lease('chat').handle).toBe('copy-1');
  });
});
