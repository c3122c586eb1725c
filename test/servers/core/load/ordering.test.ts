import { describe, expect, it } from 'vitest';
import { ModelRecord, serverStatus } from '../../../../servers/core/model-states.js';
import { lastLoadTimes, orderForLoading } from '../../../../servers/core/load/ordering.js';
import { walk } from '../../../helpers/models.js';

const model = (name: string, priority: number, required = true) => new ModelRecord(name, undefined, priority, required);
const settle = (m: ModelRecord<unknown>, to: 'ready' | 'failed') => walk(m, 'loading', to);

describe('load order', () => {
  it('loads lower priority first, keeping config order among equals', () => {
    const order = orderForLoading([model('c', 2), model('a', 0), model('b', 1), model('a2', 0)], 'priority', new Map());
    expect(order.map((m) => m.name)).toEqual(['a', 'a2', 'b', 'c']);
  });

  it('longest-first starts the slowest model of the last run first, and an unknown one before all', () => {
    const times = lastLoadTimes([
      { model: 'small', event: 'load_end', ms: 50 },
      { model: 'big', event: 'load_end', ms: 900 },
      { model: 'mid', event: 'load_end', ms: 999 },
      { model: 'mid', event: 'load_end', ms: 300 },
    ]);
    expect(times.get('mid')).toBe(300);
    const order = orderForLoading(
      [model('small', 0), model('mid', 1), model('big', 2), model('new', 3)],
      'longest-first',
      times,
    );
    expect(order.map((m) => m.name)).toEqual(['new', 'big', 'mid', 'small']);
  });
});

describe('server status with priorities and optional models', () => {
  it('is serving once the first-priority required models are ready, ok once all required are', () => {
    const [a, b, c] = [model('a', 0), model('b', 1), model('c', 1, false)];
    expect(serverStatus([a, b, c])).toBe('loading');
    settle(a, 'ready');
    expect(serverStatus([a, b, c])).toBe('serving');
    settle(c, 'failed');
    expect(serverStatus([a, b, c])).toBe('serving');
    settle(b, 'ready');
    expect(serverStatus([a, b, c])).toBe('ok');
  });

  it('fails when a required model fails, whatever its priority', () => {
    const [a, b] = [model('a', 0), model('b', 5)];
    settle(a, 'ready');
    settle(b, 'failed');
    expect(serverStatus([a, b])).toBe('failed');
  });
});
