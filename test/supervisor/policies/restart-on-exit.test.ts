import { describe, expect, it } from 'vitest';
import { restartDelay, MAX_BACKOFF_MS } from '../../../src/supervisor/policies/restart-on-exit.js';

describe('restart policy', () => {
  const policy = { policy: 'on-failure' as const, max: 3, backoffMs: 1000 };
  it('doubles the wait for each restart, up to the maximum count', () => {
    expect([1, 2, 3, 4].map((n) => restartDelay(policy, n))).toEqual([1000, 2000, 4000, undefined]);
  });
  it('never waits longer than the cap', () => {
    expect(restartDelay({ ...policy, max: 20 }, 10)).toBe(MAX_BACKOFF_MS);
  });
  it('never restarts with policy off', () => {
    expect(restartDelay({ ...policy, policy: 'off' }, 1)).toBeUndefined();
  });
});
