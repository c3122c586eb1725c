import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/coldstart/measure.js';
import { buildReport, compareWithBaseline, stats } from '../../src/coldstart/report.js';
import { run } from '../helpers/runs.js';

describe('cold-start report', () => {
  it('takes min, median and max', () => {
    expect(stats([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
    expect(stats([4, 1, 2, 3])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(stats([undefined])).toBeNull();
  });

  it('passes on the median of the runs and names the critical path', () => {
    const r = buildReport([run(1000, 100), run(3000, 300), run(1200, 120)], 2000);
    expect(r).toMatchObject({ passed: true, coldStartMs: 1200, runs: 3, statistic: 'median', budgetMs: 2000 });
    expect(r.servers[0]).toMatchObject({
      name: 'llm',
      readyMs: 1200,
      readyStats: { min: 1000, median: 1200, max: 3000 },
    });
    expect(r.servers[0]!.models[0]).toMatchObject({
      name: 'chat',
      loadMs: 120,
      attempts: 1,
      state: 'ready',
      share: 0.1,
    });
    expect(r.criticalPath).toEqual({ server: 'llm', readyMs: 1200, model: 'chat', modelReadyMs: 1200 });
  });

  it('fails when the median is over budget, naming the server and model that set it', () => {
    const r = buildReport([run(2500, 100)], 2000);
    expect(r.passed).toBe(false);
    expect(r.reason).toBe('cold start 2500 ms (median of 1) is over the budget of 2000 ms; critical path: llm/chat');
  });

  it('fails with the reason of a failed run', () => {
    const bad: RunResult = {
      ok: false,
      reason: 'server llm: chat: wrong magic',
      servers: [{ name: 'llm', state: 'failed', models: [{ name: 'chat', attempts: 2, state: 'failed' }] }],
    };
    expect(buildReport([bad], 2000)).toMatchObject({
      passed: false,
      reason: 'server llm: chat: wrong magic',
      coldStartMs: null,
    });
  });

  it('flags models slower than the baseline by more than the threshold', () => {
    const before = buildReport([run(1000, 100)], 5000);
    const after = buildReport([run(1000, 200)], 5000);
    expect(compareWithBaseline(after, before, 0.2)).toEqual([
      { server: 'llm', model: 'chat', baselineMs: 100, loadMs: 200, ratio: 2 },
    ]);
    expect(compareWithBaseline(buildReport([run(1000, 110)], 5000), before, 0.2)).toEqual([]);
  });

  it('flags a model only when it is slower by more than the threshold and by more than 25 ms', () => {
    const flagged = (baselineMs: number, loadMs: number) =>
      compareWithBaseline(buildReport([run(5000, loadMs)], 9000), buildReport([run(5000, baselineMs)], 9000), 0.2)
        .length === 1;
    expect([flagged(1000, 1200), flagged(1000, 1201)]).toEqual([false, true]);
    expect([flagged(100, 125), flagged(100, 126)]).toEqual([false, true]);
  });

  it('ignores models the baseline does not have', () => {
    const before = buildReport([run(1000, 100)], 5000);
    before.servers[0]!.models = [];
    expect(compareWithBaseline(buildReport([run(1000, 900)], 5000), before, 0.2)).toEqual([]);
  });
});
