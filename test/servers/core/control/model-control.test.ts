import { basename, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { ModelConfig } from '../../../../common/config/types.js';
import type { TimingEventInput } from '../../../../common/timing/events.js';
import type { MemoryGate } from '../../../../servers/core/load/admission.js';
import { HttpError } from '../../../../servers/core/http/http-error.js';
import { Loader } from '../../../../servers/core/load/loader.js';
import { ModelControl } from '../../../../servers/core/control/model-control.js';
import { ModelHost, WEDGE_GRACE_MS } from '../../../../servers/core/http/model-host.js';
import { ModelMemory, modelMemoryFile } from '../../../../servers/core/native/model-memory.js';
import { ModelRecord } from '../../../../servers/core/model-states.js';
import { NativeWork } from '../../../../servers/core/native/native-work.js';
import { walk } from '../../../helpers/models.js';
import { tempDir } from '../../../helpers/tmp.js';

const dir = tempDir();
const settings = (name: string, file = `${name}.gguf`): ModelConfig => ({
  name,
  path: file,
  file: `/m/${file}`,
  required: true,
});

/**
 * A server's model machinery around a fake engine: a load of a held file waits until the test lets it go, a file
 * named bad* fails, a handle is `model@file`; `free` and `needs` decide whether two copies fit.
 */
function server(name: string, memory: { free: number; needs: number } = { free: 1000, needs: 100 }) {
  const folder = join(dir, name);
  const native = new NativeWork('llm', folder);
  const memo = new ModelMemory(modelMemoryFile(folder, 'llm'));
  const models = new Map<string, ModelRecord<string>>();
  const events: TimingEventInput[] = [];
  const emit = (e: TimingEventInput) => events.push(e);
  const chat = walk(ModelRecord.of<string>(settings('chat'), 0, { models, emit }), 'loading', 'ready');
  models.set('chat', chat);
  events.length = 0;
  chat.handle = 'chat@chat.gguf';
  chat.identity = 'id:/m/chat.gguf';
  const host = new ModelHost(models, native, memo, 60_000);
  const calls: string[] = [];
  const held = new Map<string, Promise<void>>();
  /** Holds the load of `file` until the returned function is called. */
  const hold = (file: string) => {
    let release!: () => void;
    held.set(`/m/${file}`, new Promise<void>((resolve) => (release = resolve)));
    return release;
  };
  const loader = new Loader<string>({
    concurrency: 2,
    retries: 0,
    retryDelayMs: 0,
    load: async (m) => {
      calls.push(`load ${basename(m.file!)}`);
      await held.get(m.file!);
      if (basename(m.file!).startsWith('bad')) throw new Error('not a GGUF file');
      return `${m.name}@${basename(m.file!)}`;
    },
  });
  const engine = {
    estimate: async () => ({ bytes: memory.needs, parts: {} }),
    unload: async (h: string) => void calls.push(`unload ${h}`),
  };
  const gate = { free: () => memory.free } as unknown as MemoryGate;
  const identityOf = (m: ModelRecord<string>) => (m.file ? `id:${m.file}` : undefined);
  const control = new ModelControl<string>({
    ...{ models, host, loader, gate, engine, native, memory: memo, emit, identityOf, alone: new Set<string>() },
    pollMs: 5,
  });
  const lease = () => {
    try {
      return host.lease('chat').handle;
    } catch (err) {
      return err instanceof HttpError ? `${err.status} retry-after ${err.headers['retry-after']}` : String(err);
    }
  };
  return { control, models, host, events, calls, hold, lease, memo, chat };
}

const named = (events: TimingEventInput[]) => events.map((e) => e.event).filter((e) => !e.startsWith('load_'));
/** Each event with the state it carries: the state of the copy the table holds under the model's name. */
const shown = (events: TimingEventInput[]) => events.map((e) => `${e.event}:${e.state}`);
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('a model swapped, unloaded or added on a running server', () => {
  it('keeps serving from the old copy while the new one loads, then frees the old one', async () => {
    const s = server('side-by-side');
    const release = s.hold('chat-q8.gguf');
    const swapping = s.control.swap(settings('chat', 'chat-q8.gguf'), 0);
    await tick();
    expect(s.chat.state).toBe('swapping');
    expect(s.lease()).toBe('chat@chat.gguf');
    release();
    expect(await swapping).toMatchObject({ name: 'chat', action: 'swap', ok: true, state: 'ready' });
    expect(s.lease()).toBe('chat@chat-q8.gguf');
    expect(s.calls).toEqual(['load chat-q8.gguf', 'unload chat@chat.gguf']);
    expect(s.chat.state).toBe('unloaded');
    expect(named(s.events)).toEqual(['swap_start', 'ready', 'swap_end', 'unload_start', 'unload_end']);
    expect(shown(s.events)).toEqual([
      'swap_start:swapping',
      'load_start:swapping',
      'load_end:swapping',
      'ready:swapping',
      'swap_end:ready',
      'unload_start:ready',
      'unload_end:ready',
    ]);
    expect(s.events[0]).toMatchObject({ detail: 'side-by-side', needs: 100, free: 1000 });
    expect(s.events.find((e) => e.event === 'ready')).toMatchObject({ detail: 'reload' });
  });

  it('unloads the old copy first when both do not fit: 503 with Retry-After until the new one is ready', async () => {
    const s = server('unload-first', { free: 50, needs: 100 });
    const release = s.hold('chat-q8.gguf');
    const swapping = s.control.swap(settings('chat', 'chat-q8.gguf'), 0);
    await tick();
    expect(s.lease()).toBe('503 retry-after 1');
    expect(s.calls).toEqual(['unload chat@chat.gguf', 'load chat-q8.gguf']);
    release();
    await swapping;
    expect(s.lease()).toBe('chat@chat-q8.gguf');
    expect(s.events[0]).toMatchObject({ event: 'swap_start', detail: 'unload-first', needs: 100, free: 50 });
    expect(shown(s.events)).toEqual([
      'swap_start:queued',
      'unload_start:queued',
      'unload_end:queued',
      'load_start:loading',
      'load_end:loading',
      'ready:ready',
      'swap_end:ready',
    ]);
  });

  it('keeps the old copy serving when the new one fails to load, and says so', async () => {
    const s = server('bad-file');
    const step = await s.control.swap(settings('chat', 'bad.gguf'), 0);
    expect(step).toMatchObject({ ok: false, state: 'ready', error: expect.stringContaining('kept the old copy') });
    expect(s.lease()).toBe('chat@chat.gguf');
    expect(s.chat.state).toBe('ready');
    expect(s.calls).toEqual(['load bad.gguf']);
    expect(named(s.events)).toEqual(['swap_start', 'failed', 'swap_failed']);
    expect(shown(s.events)).toEqual([
      'swap_start:swapping',
      'load_start:swapping',
      'load_failed:swapping',
      'failed:swapping',
      'swap_failed:ready',
    ]);
  });

  it('removes a model only after its request in flight has come back, then answers 404', async () => {
    const s = server('remove');
    let finish!: (v: string) => void;
    const lease = s.host.lease('chat');
    const request = lease.run(() => new Promise<string>((resolve) => (finish = resolve)));
    const removing = s.control.remove('chat');
    await tick();
    expect(s.chat.state).toBe('unloading');
    expect(s.calls).toEqual([]);
    finish('answered');
    expect(await request).toBe('answered');
    await removing;
    expect(s.calls).toEqual(['unload chat@chat.gguf']);
    expect(s.models.has('chat')).toBe(false);
    expect(() => s.host.lease('chat')).toThrow(/does not exist/);
    expect(s.events.find((e) => e.event === 'unload_start')).toMatchObject({ detail: 'removed', requests: 1 });
    expect(shown(s.events)).toEqual(['unload_start:unloading', 'unload_end:unloaded', 'removed:unloaded']);
  });

  it('adds a new model through the loader, but not a file quarantined for crashing its server', async () => {
    const s = server('add');
    expect(await s.control.add(settings('code'), 1)).toMatchObject({ action: 'add', ok: true, state: 'ready' });
    s.memo.update('risky', 'id:/m/risky.gguf', (m) => (m.quarantined = 'crashed the llm server; quarantined'));
    expect(await s.control.add(settings('risky'), 2)).toMatchObject({ ok: false, state: 'quarantined' });
    expect(s.calls).toEqual(['load code.gguf']);
    expect(s.events.filter((e) => e.model === 'risky').map((e) => `${e.event}:${e.state}`)).toEqual([
      'quarantined:quarantined',
    ]);
  });

  it('unloads a copy that holds nothing at once, and says so; a released quarantine loads again', async () => {
    const s = server('nothing-held');
    s.memo.update('risky', 'id:/m/risky.gguf', (m) => (m.quarantined = 'crashed the llm server; quarantined'));
    await s.control.add(settings('risky'), 1);
    const risky = s.models.get('risky')!;
    s.control.release(risky);
    while (risky.state !== 'ready') await tick();
    await s.control.add(settings('bad'), 2);
    expect(await s.control.unload(s.models.get('bad')!, 'unloaded')).toBeUndefined();
    expect(s.models.get('bad')!.state).toBe('unloaded');
    const of = (name: string) => shown(s.events.filter((e) => e.model === name));
    expect(of('risky')).toEqual([
      'quarantined:quarantined',
      'released:queued',
      'load_start:loading',
      'load_end:loading',
      'ready:ready',
    ]);
    expect(of('bad')).toEqual(['load_start:loading', 'load_failed:loading', 'failed:failed', 'unload_end:unloaded']);
  });

  it('leaves a copy unfreed, and says so, when its engine does not come back from a cancelled request', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const s = server('wedged');
      void s.host
        .lease('chat')
        .run(() => new Promise<never>(() => {}))
        .catch(() => {});
      await vi.advanceTimersByTimeAsync(0);
      const unloading = s.control.unload(s.chat, 'unloaded', 20);
      await vi.advanceTimersByTimeAsync(20 + WEDGE_GRACE_MS);
      expect(await unloading).toMatch(/^the engine did not come back .*; copy not freed/);
      expect(s.calls).toEqual([]);
      expect(s.chat.state).toBe('unloaded');
      expect(s.events.find((e) => e.event === 'unload_end')).toMatchObject({
        error: expect.stringMatching(/not freed/),
      });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('whether the copy that serves is the one the config describes', () => {
  it('is not when the file, its contents, the type or the language changed; in-place settings do not count', () => {
    const s = server('current');
    expect(s.control.isCurrent(s.chat, settings('chat'))).toBe(true);
    expect(s.control.isCurrent(s.chat, { ...settings('chat'), priority: 4, required: false })).toBe(true);
    expect(s.control.isCurrent(s.chat, settings('chat', 'chat-q8.gguf'))).toBe(false);
    expect(s.control.isCurrent(s.chat, { ...settings('chat'), type: 'ocr' })).toBe(false);
    expect(s.control.isCurrent(s.chat, { ...settings('chat'), language: 'deu' })).toBe(false);
    s.chat.identity = 'id:an older copy of /m/chat.gguf';
    expect(s.control.isCurrent(s.chat, settings('chat'))).toBe(false);
  });
});
