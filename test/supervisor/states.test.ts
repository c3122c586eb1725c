import { describe, expect, it } from 'vitest';
import { canMove, move } from '../../src/supervisor/states.js';

describe('server states', () => {
  it('allows the lifecycle moves and refuses the rest', () => {
    expect(canMove('pending', 'starting')).toBe(true);
    expect(canMove('starting', 'ready')).toBe(true);
    expect(canMove('ready', 'restarting')).toBe(true);
    expect(canMove('restarting', 'starting')).toBe(true);
    expect(canMove('stopping', 'stopped')).toBe(true);
    expect(() => move('llm', 'stopped', 'ready')).toThrow('server llm: stopped → ready is not allowed');
    expect(() => move('llm', 'pending', 'ready')).toThrow('pending → ready is not allowed');
    expect(() => move('llm', 'stopping', 'ready')).toThrow();
  });

  it('lets a ready server reload in place and come back, and a reload restart a failed one', () => {
    expect(canMove('ready', 'reloading')).toBe(true);
    expect(canMove('reloading', 'ready')).toBe(true);
    expect(canMove('reloading', 'hung')).toBe(true);
    expect(canMove('failed', 'restarting')).toBe(true);
    expect(() => move('llm', 'reloading', 'starting')).toThrow('reloading → starting is not allowed');
    expect(() => move('llm', 'starting', 'reloading')).toThrow();
  });
});
