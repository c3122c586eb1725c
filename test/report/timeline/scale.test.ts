import { describe, expect, it } from 'vitest';
import type { Timeline } from '../../../src/report/timeline/model.js';
import { axisFor, tickLabel, tickStep } from '../../../src/report/timeline/scale.js';

const timeline = (endMs: number, budgetMs: number): Timeline => ({ budgetMs, endMs, coldStartMs: endMs, rows: [] });

describe('timeline axis', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect([tickStep(3429, 10), tickStep(3429, 5), tickStep(95_000, 10), tickStep(40, 8)]).toEqual([
      500, 1000, 10_000, 5,
    ]);
  });

  it('runs to a whole tick past the end, and reaches the budget only when it is near', () => {
    expect(axisFor(timeline(3429, 120_000))).toEqual({
      maxMs: 3500,
      ticks: [0, 500, 1000, 1500, 2000, 2500, 3000, 3500],
      budgetOnAxis: false,
    });
    expect(axisFor(timeline(3429, 5000))).toMatchObject({ maxMs: 5000, budgetOnAxis: true });
    expect(axisFor(timeline(3429, 3000))).toMatchObject({ maxMs: 3500, budgetOnAxis: true });
  });

  it('labels ticks in seconds, or in ms on an axis shorter than a second or so', () => {
    expect([0, 500, 1000, 1500].map((ms) => tickLabel(ms, 500))).toEqual(['0', '0.5 s', '1 s', '1.5 s']);
    expect([20_000, 120_000].map((ms) => tickLabel(ms, 20_000))).toEqual(['20 s', '120 s']);
    expect(tickLabel(50, 10)).toBe('50 ms');
  });
});
