import { describe, expect, it } from 'vitest';
import { startupProbeTiming } from '../../src/export/deployment.js';

describe('startup probe arithmetic', () => {
  it('covers the budget for budgets short and long', () => {
    for (const seconds of [1, 7, 30, 31, 120, 121, 599, 3600]) {
      const t = startupProbeTiming(seconds);
      expect(t.failureThreshold * t.periodSeconds).toBeGreaterThanOrEqual(seconds);
      expect(t.failureThreshold * t.periodSeconds).toBeLessThanOrEqual(seconds + 2 * t.periodSeconds);
    }
  });
});
