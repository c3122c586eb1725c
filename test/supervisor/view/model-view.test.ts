import { describe, expect, it } from 'vitest';
import type { TimingEventInput } from '../../../common/timing/events.js';
import { foldModels, type ModelView } from '../../../src/supervisor/view/model-view.js';

/** The models after these events (synthetic, each carrying its state as a server's would), 100 ms apart. */
const fold = (events: TimingEventInput[]) =>
  events.reduce<ModelView[]>((models, e, i) => foldModels(models, { ts: '', server: 'llm', ...e }, 100 * (i + 1)), []);
const chat = (models: ModelView[]) => models.find((m) => m.name === 'chat');

describe('model views from timing events', () => {
  it('follows a model through a failed attempt, its retry and ready, keeping the last load time', () => {
    const retrying = fold([
      { event: 'load_start', model: 'chat', attempt: 1, state: 'loading' },
      { event: 'load_failed', model: 'chat', attempt: 1, error: 'wrong magic' },
      { event: 'retry', model: 'chat', ms: 500, state: 'retrying' },
    ]);
    expect(chat(retrying)).toEqual({ name: 'chat', state: 'retrying', attempts: 1, error: 'wrong magic' });
    const ready = fold([
      { event: 'load_start', model: 'chat', attempt: 1, state: 'loading' },
      { event: 'load_failed', model: 'chat', attempt: 1, error: 'wrong magic' },
      { event: 'load_start', model: 'chat', attempt: 2, state: 'loading' },
      { event: 'load_end', model: 'chat', attempt: 2, ms: 97 },
      { event: 'ready', model: 'chat', attempt: 2, ms: 97, state: 'ready' },
    ]);
    expect(chat(ready)).toEqual({ name: 'chat', state: 'ready', attempts: 2, loadMs: 97, readyAt: 500 });
  });

  it('marks a model failed for good with its reason, and ignores server events', () => {
    const models = fold([
      { event: 'server_start', ms: 1 },
      { event: 'load_start', model: 'chat', attempt: 2, state: 'loading' },
      { event: 'failed', model: 'chat', attempt: 2, error: 'truncated', state: 'failed' },
    ]);
    expect(models.map((m) => m.name)).toEqual(['chat']);
    expect(chat(models)).toMatchObject({ state: 'failed', attempts: 2, error: 'truncated' });
  });

  it('takes the state an event carries, whatever its name, and keeps it through events that carry none', () => {
    const swapping = fold([
      { event: 'ready', model: 'chat', attempt: 1, state: 'ready' },
      { event: 'swap_start', model: 'chat', detail: 'side-by-side', state: 'swapping' },
      { event: 'load_start', model: 'chat', attempt: 1, state: 'swapping' },
      { event: 'load_progress', model: 'chat', attempt: 1, fraction: 0.5, bytes: 5, total: 10 },
    ]);
    expect(chat(swapping)).toMatchObject({ state: 'swapping', progress: { fraction: 0.5, bytes: 5, total: 10 } });
    // Without a state on it, even `ready` moves nothing (only its figures count).
    expect(chat(fold([{ event: 'ready', model: 'chat', attempt: 1 }]))).toMatchObject({
      state: 'queued',
      readyAt: 100,
    });
  });

  it('shows a model unloaded on request, and forgets one removed from the config', () => {
    const models = fold([
      { event: 'ready', model: 'chat', attempt: 1, state: 'ready' },
      { event: 'ready', model: 'code', attempt: 1, state: 'ready' },
      { event: 'unload_start', model: 'chat', detail: 'unloaded', state: 'unloading' },
      { event: 'unload_end', model: 'chat', detail: 'unloaded', ms: 3, state: 'unloaded' },
      { event: 'unload_end', model: 'code', detail: 'removed', ms: 3, state: 'unloaded' },
      { event: 'removed', model: 'code' },
    ]);
    expect(models.map((m) => [m.name, m.state])).toEqual([['chat', 'unloaded']]);
  });
});
