import { describe, expect, it } from 'vitest';
import { MODEL_STATES, type ModelState } from '../../../common/model-state.js';
import { MOVES, ModelRecord, serverStatus } from '../../../servers/core/model-states.js';
import { EVENT_FOR, stageWith, walk } from '../../helpers/models.js';

const at = (name: string, ...path: ModelState[]) => walk(new ModelRecord(name), ...path);

/** The shortest way from `queued` to each state the table lets a model reach. */
function pathsFromQueued(): Map<ModelState, ModelState[]> {
  const paths = new Map<ModelState, ModelState[]>([['queued', []]]);
  const frontier: ModelState[] = ['queued'];
  for (let from = frontier.shift(); from; from = frontier.shift()) {
    for (const to of MOVES[from]) {
      if (paths.has(to)) continue;
      paths.set(to, [...paths.get(from)!, to]);
      frontier.push(to);
    }
  }
  return paths;
}

describe('model states on a reload', () => {
  it('lets a ready model swap (and go back to ready), unload and be unloaded, and nothing else', () => {
    const swapped = at('chat', 'loading', 'ready', 'swapping', 'ready', 'swapping', 'unloading', 'unloaded');
    expect(() => walk(swapped, 'ready')).toThrow('model chat: unloaded → ready is not allowed');
    expect(() => walk(at('code', 'loading'), 'unloading')).toThrow('loading → unloading is not allowed');
    expect(() => walk(at('code', 'loading', 'ready', 'unloading'), 'ready')).toThrow();
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

describe('a move is an event that carries the state', () => {
  it('lets a model reach every state from queued', () => {
    expect([...pathsFromQueued().keys()].sort()).toEqual([...MODEL_STATES].sort());
  });

  it('emits each move of every row of the table with the state the record moved to', () => {
    const paths = pathsFromQueued();
    let rows = 0;
    for (const from of MODEL_STATES) {
      for (const to of MOVES[from]) {
        const stage = stageWith<string>();
        const m = new ModelRecord<string>('chat', '/m/chat.gguf', 0, true, undefined, stage);
        stage.models.set('chat', m);
        const seen: ModelState[] = [];
        for (const next of [...paths.get(from)!, to]) {
          m.moveTo(next, { event: EVENT_FOR[next], attempt: 1 });
          seen.push(m.state);
        }
        expect(m.state).toBe(to);
        expect(stage.events.map((e) => e.state)).toEqual(seen);
        expect(stage.events.at(-1)).toMatchObject({ event: EVENT_FOR[to], model: 'chat', state: to, attempt: 1 });
        rows += 1;
      }
    }
    expect(rows).toBe(Object.values(MOVES).flat().length);
    expect(rows).toBeGreaterThan(20);
  });

  it('emits nothing for a move the table refuses, and leaves the state as it was', () => {
    const stage = stageWith<string>();
    const m = new ModelRecord<string>('chat', undefined, 0, true, undefined, stage);
    expect(() => m.moveTo('ready', { event: 'ready' })).toThrow('queued → ready is not allowed');
    expect(m.state).toBe('queued');
    expect(stage.events).toEqual([]);
  });

  it('shows the copy on the table: a new copy loading beside it reports it swapping, the old one once replaced', () => {
    const stage = stageWith<string>();
    const old = ModelRecord.of<string>({ name: 'chat', required: true }, 0, stage);
    stage.models.set('chat', old);
    walk(old, 'loading', 'ready', 'swapping');
    const fresh = ModelRecord.of<string>({ name: 'chat', required: true }, 0, stage, 'reload');
    walk(fresh, 'loading', 'ready');
    stage.models.set('chat', fresh);
    walk(old, 'unloading', 'unloaded');
    const shown = stage.events.map((e) => `${e.event}:${e.state}`);
    expect(shown).toEqual([
      'load_start:loading',
      'ready:ready',
      'swap_start:swapping',
      'load_start:swapping',
      'ready:swapping',
      'unload_start:ready',
      'unload_end:ready',
    ]);
  });
});
