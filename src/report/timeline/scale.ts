// The time axis both waterfalls share: from 0 to a round number of seconds past the end, ticks at a round step, and
// whether the budget line fits on it (a budget far beyond the start-up would squash the bars into a corner).
import type { Timeline } from './model.js';

export interface Axis {
  /** The axis runs from 0 to `maxMs`, a whole number of ticks. */
  maxMs: number;
  ticks: number[];
  /** False when the budget lies beyond the axis: it is then named, not drawn. */
  budgetOnAxis: boolean;
}

/** The budget is drawn when the axis need not grow by more than this factor to reach it. */
const BUDGET_REACH = 1.5;

/** A step of 1, 2 or 5 × 10^n ms that gives at most `maxTicks` ticks up to `ms`. */
export function tickStep(ms: number, maxTicks: number): number {
  const rough = Math.max(ms, 1) / maxTicks;
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((f) => f * power).find((step) => step >= rough)!;
}

export function axisFor(t: Timeline, maxTicks = 10): Axis {
  const content = Math.max(t.endMs, t.coldStartMs ?? 0, 1);
  const budgetOnAxis = t.budgetMs <= content * BUDGET_REACH;
  const span = budgetOnAxis ? Math.max(content, t.budgetMs) : content;
  const step = tickStep(span, maxTicks);
  const maxMs = Math.ceil(span / step) * step;
  const ticks = Array.from({ length: Math.round(maxMs / step) + 1 }, (_, i) => i * step);
  return { maxMs, ticks, budgetOnAxis };
}

/** A tick's label: `0`, `0.5 s`, `1 s`, `1.5 s`, `120 s`; on an axis with steps below 0.1 s, `50 ms`. */
export function tickLabel(ms: number, step: number): string {
  if (ms === 0) return '0';
  if (step < 100) return `${ms} ms`;
  return `${Number((ms / 1000).toFixed(step >= 1000 ? 0 : 1))} s`;
}
