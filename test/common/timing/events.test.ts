import { describe, expect, it } from 'vitest';
import { describeEvent, type TimingEvent } from '../../../common/timing/events.js';

const say = (e: Omit<TimingEvent, 'ts' | 'server'>) => describeEvent({ ts: '', server: 'llm', ...e });

describe('timing events in plain words', () => {
  it('says each model event with its time and attempt', () => {
    expect(say({ event: 'load_start', model: 'chat', attempt: 1 })).toBe('chat loading (attempt 1)');
    expect(say({ event: 'load_end', model: 'chat', attempt: 1, ms: 97.4 })).toBe('chat loaded in 97 ms (attempt 1)');
    expect(say({ event: 'warmup_start', model: 'chat', attempt: 1 })).toBe('chat warming up (attempt 1)');
    expect(say({ event: 'warmup_end', model: 'chat', attempt: 1, ms: 12 })).toBe('chat warmed up in 12 ms (attempt 1)');
    expect(say({ event: 'load_failed', model: 'chat', attempt: 1, ms: 3, error: 'wrong magic' })).toBe(
      'chat failed to load after 3 ms (attempt 1): wrong magic',
    );
    expect(say({ event: 'retry', model: 'chat', ms: 500 })).toBe('chat retrying in 500 ms');
    expect(say({ event: 'ready', model: 'chat', attempt: 2, ms: 212 })).toBe('chat ready in 212 ms (attempt 2)');
    expect(say({ event: 'failed', model: 'chat', attempt: 2, error: 'wrong magic' })).toBe(
      'chat failed for good after 2 attempts: wrong magic',
    );
  });

  it('says each server event with the server’s name', () => {
    expect(say({ event: 'server_start', ms: 1 })).toBe('llm starting');
    expect(say({ event: 'listening', ms: 40, file: 'http://127.0.0.1:8081' })).toBe(
      'llm listening at http://127.0.0.1:8081 after 40 ms',
    );
    expect(say({ event: 'runtime_ready', ms: 512 })).toBe('llm runtime ready after 512 ms');
    expect(say({ event: 'server_ready', ms: 1458 })).toBe('llm ready: cold start 1458 ms');
    expect(say({ event: 'server_failed', error: 'chat: wrong magic' })).toBe('llm failed: chat: wrong magic');
    expect(say({ event: 'server_stop', ms: 9 })).toBe('llm stopping');
  });

  it('says what a reload does to each model, and what the server applied', () => {
    expect(say({ event: 'swap_start', model: 'chat', detail: 'side-by-side' })).toBe(
      'chat reloading: the old copy serves until the new one is ready',
    );
    expect(say({ event: 'swap_start', model: 'chat', detail: 'unload-first', needs: 2 ** 30, free: 2 ** 29 })).toBe(
      'chat reloading: two copies do not fit (needs 1024 MiB, 512 MiB free), so the old one goes first; requests ' +
        'get 503 until the new one is ready',
    );
    expect(say({ event: 'ready', model: 'chat', attempt: 1, ms: 99_000, detail: 'reload' })).toBe(
      'chat ready (attempt 1)',
    );
    expect(say({ event: 'swap_end', model: 'chat', ms: 850 })).toBe('chat swapped in 850 ms: the new copy serves');
    expect(say({ event: 'swap_failed', model: 'chat', error: 'truncated' })).toBe('chat kept its old copy: truncated');
    expect(say({ event: 'unload_start', model: 'code', detail: 'removed', requests: 2 })).toBe(
      'code unloading (removed from the config), waiting for 2 requests in flight',
    );
    expect(say({ event: 'unload_end', model: 'chat', detail: 'replaced', ms: 3, requests: 1 })).toBe(
      'chat old copy unloaded in 3 ms; 1 request cancelled at the timeout',
    );
    expect(say({ event: 'removed', model: 'code' })).toBe('code removed');
    expect(say({ event: 'reload_start', version: 'abc', detail: 'swap chat (path a → b)', ms: 5 })).toBe(
      'llm applying config abc: swap chat (path a → b)',
    );
    expect(say({ event: 'reload_end', version: 'abc', ms: 120 })).toBe('llm config abc applied in 120 ms');
  });
});
