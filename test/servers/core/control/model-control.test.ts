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
  const chat = ModelRecord.of<string>(settings('chat'), 0);
  chat.moveTo('loading');
  chat.moveTo('ready');
  chat.handle = 'chat@chat.gguf';
  chat.identity = 'id:/m/chat.gguf';
  const models = new Map([['chat', chat]]);
  const host = new ModelHost(models, native, memo, 60_000);
  const events: TimingEventInput[] = [];
  const calls: string[] = [];
  const held = new Map<string, Promise<void>>();
  /** Holds the load of `file` until the returned function is called. */
  const hold = (file: string) => {
    let release!: () => void;
    held.set(`/m/${file}`, new Promise<void>((resolve) => (release = resolve)));
    return release;
  };
  const emit = (e: TimingEventInput) => events.push(e);
  const loader = new Loader<string>({
    concurrency: 2,
    retries: 0,
    retryDelayMs: 0,
    emit,
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
  });

  it('keeps the old copy serving when the new one fails to load, and says so', async () => {
    const s = server('bad-file');
    const step = await s.control.swap(settings('chat', 'bad.gguf'), 0);
    expect(step).toMatchObject({ ok: false, state: 'ready', error: expect.stringContaining('kept the old copy') });
    expect(s.lease()).toBe('chat@chat.gguf');
    expect(s.chat.state).toBe('ready');
    expect(s.calls).toEqual(['load bad.gguf']);
    expect(named(s.events)).toEqual(['swap_start', 'failed', 'swap_failed']);
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
  });

  it('adds a new model through the loader, but not a file quarantined for crashing its server', async () => {
    const s = server('add');
    expect(await s.control.add(settings('code'), 1)).toMatchObject({ action: 'add', ok: true, state: 'ready' });
    s.memo.update('risky', 'id:/m/risky.gguf', (m) => (m.quarantined = 'crashed the llm server; quarantined'));
    expect(await s.control.add(settings('risky'), 2)).toMatchObject({ ok: false, state: 'quarantined' });
    expect(s.calls).toEqual(['load code.gguf']);
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
