import { describe, expect, it } from 'vitest';
import { ModelRecord, serverStatus } from '../../../servers/core/model-states.js';

const at = (name: string, ...path: ('loading' | 'ready' | 'swapping' | 'unloading' | 'unloaded' | 'failed')[]) => {
  const m = new ModelRecord(name);
  for (const state of path) m.moveTo(state);
  return m;
};

describe('model states on a reload', () => {
  it('lets a ready model swap (and go back to ready), unload and be unloaded, and nothing else', () => {
    const swapped = at('chat', 'loading', 'ready', 'swapping');
    swapped.moveTo('ready');
    swapped.moveTo('swapping');
    swapped.moveTo('unloading');
    swapped.moveTo('unloaded');
    expect(() => swapped.moveTo('ready')).toThrow('model chat: unloaded → ready is not allowed');
    expect(() => at('code', 'loading').moveTo('unloading')).toThrow('loading → unloading is not allowed');
    expect(() => at('code', 'loading', 'ready', 'unloading').moveTo('ready')).toThrow();
    // A failed copy holds nothing to free: it is unloaded at once.
    expect(at('x', 'loading', 'failed', 'unloaded').state).toBe('unloaded');
  });

  it('counts a swapping model as serving, and a model unloaded on purpose as neither holding up nor failing', () => {
    expect(serverStatus([at('a', 'loading', 'ready', 'swapping'), at('b', 'loading', 'ready')])).toBe('ok');
    expect(serverStatus([at('a', 'loading', 'ready', 'unloading'), at('b', 'loading', 'ready')])).toBe('ok');
    expect(serverStatus([at('a', 'loading', 'failed', 'unloaded'), at('b', 'loading', 'ready')])).toBe('ok');
    expect(serverStatus([at('a', 'loading', 'failed'), at('b', 'loading', 'ready')])).toBe('failed');
    expect(serverStatus([new ModelRecord('a'), at('b', 'loading', 'ready')])).toBe('loading');
  });
});
