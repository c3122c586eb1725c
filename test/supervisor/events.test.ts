import { describe, expect, it } from 'vitest';
import type { TimingEvent } from '../../common/timing/events.js';
import { applyTiming, type ModelView } from '../../src/supervisor/events.js';

const fold = (events: Omit<TimingEvent, 'ts' | 'server'>[]) => {
  const models = new Map<string, ModelView>();
  events.forEach((e, i) => applyTiming(models, { ts: '', server: 'llm', ...e }, 100 * (i + 1)));
  return models;
};

describe('model views from timing events', () => {
  it('follows a model through a failed attempt, its retry and ready, keeping the last load time', () => {
    const models = fold([
      { event: 'load_start', model: 'chat', attempt: 1 },
      { event: 'load_failed', model: 'chat', attempt: 1, error: 'wrong magic' },
      { event: 'retry', model: 'chat', ms: 500 },
    ]);
    expect(models.get('chat')).toEqual({ name: 'chat', state: 'retrying', attempts: 1, error: 'wrong magic' });
    const after = fold([
      { event: 'load_start', model: 'chat', attempt: 1 },
      { event: 'load_failed', model: 'chat', attempt: 1, error: 'wrong magic' },
      { event: 'load_start', model: 'chat', attempt: 2 },
      { event: 'load_end', model: 'chat', attempt: 2, ms: 97 },
      { event: 'ready', model: 'chat', attempt: 2, ms: 97 },
    ]);
    expect(after.get('chat')).toEqual({
      name: 'chat',
      state: 'ready',
      attempts: 2,
      loadMs: 97,
      readyAt: 500,
      error: undefined,
    });
  });

  it('marks a model failed for good with its reason, and ignores server events', () => {
    const models = fold([
      { event: 'server_start', ms: 1 },
      { event: 'load_start', model: 'chat', attempt: 2 },
      { event: 'failed', model: 'chat', attempt: 2, error: 'truncated' },
    ]);
    expect([...models.keys()]).toEqual(['chat']);
    expect(models.get('chat')).toMatchObject({ state: 'failed', attempts: 2, error: 'truncated' });
  });

  it('keeps a model swapping through its new copy’s load, then ready; the old copy’s unload goes unseen', () => {
    const during = fold([
      { event: 'swap_start', model: 'chat', detail: 'side-by-side' },
      { event: 'load_start', model: 'chat', attempt: 1 },
      { event: 'admitted', model: 'chat', attempt: 1 },
    ]);
    expect(during.get('chat')!.state).toBe('swapping');
    const after = fold([
      { event: 'swap_start', model: 'chat', detail: 'side-by-side' },
      { event: 'load_start', model: 'chat', attempt: 1 },
      { event: 'ready', model: 'chat', attempt: 1, detail: 'reload' },
      { event: 'swap_end', model: 'chat', ms: 50 },
      { event: 'unload_start', model: 'chat', detail: 'replaced' },
      { event: 'unload_end', model: 'chat', detail: 'replaced', ms: 2 },
    ]);
    expect(after.get('chat')!.state).toBe('ready');
    const failed = fold([
      { event: 'swap_start', model: 'chat', detail: 'side-by-side' },
      { event: 'failed', model: 'chat', attempt: 1, error: 'truncated' },
      { event: 'swap_failed', model: 'chat', error: 'truncated' },
    ]);
    expect(failed.get('chat')).toMatchObject({ state: 'ready', error: 'truncated' });
  });

  it('shows a model unloaded on request, and forgets one removed from the config', () => {
    const models = fold([
      { event: 'load_start', model: 'chat', attempt: 1 },
      { event: 'ready', model: 'chat', attempt: 1 },
      { event: 'load_start', model: 'code', attempt: 1 },
      { event: 'ready', model: 'code', attempt: 1 },
      { event: 'unload_start', model: 'chat', detail: 'unloaded' },
      { event: 'unload_end', model: 'chat', detail: 'unloaded', ms: 3 },
      { event: 'unload_start', model: 'code', detail: 'removed' },
      { event: 'unload_end', model: 'code', detail: 'removed', ms: 3 },
      { event: 'removed', model: 'code' },
    ]);
    expect([...models.keys()]).toEqual(['chat']);
    expect(models.get('chat')!.state).toBe('unloaded');
  });
});
