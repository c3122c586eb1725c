import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/coldstart/report.js';
import { coldStartTable } from '../../src/report/coldstart-table.js';
import { failedRun, run } from '../helpers/runs.js';

const plain = new Chalk({ level: 0 });

describe('cold-start table', () => {
  it('shows each server and model with load time, attempts and share, the critical path and PASS', () => {
    expect(coldStartTable(buildReport([run(1000, 100)], 2000), plain).split('\n')).toEqual([
      'SERVER  MODEL    LOAD    MIN–MAX  ATTEMPTS  SHARE',
      'llm     (ready)  1.0 s',
      '        chat     100 ms           1         10%',
      'ocr     (ready)  500 ms',
      '        eng      400 ms           1         40%',
      '',
      'critical path: llm ready at 1.0 s, last model chat',
      'PASS: cold start 1.0 s within the budget of 2.0 s',
    ]);
  });

  it('over several runs shows medians with their spread, and the models slower than the baseline', () => {
    const report = buildReport([run(1000, 100), run(3000, 300), run(1200, 120)], 2000);
    report.regressions = [{ server: 'llm', model: 'chat', baselineMs: 60, loadMs: 120, ratio: 2 }];
    expect(coldStartTable(report, plain).split('\n')).toEqual([
      'SERVER  MODEL    LOAD (median)  MIN–MAX        ATTEMPTS  SHARE',
      'llm     (ready)  1.2 s          1.0 s–3.0 s',
      '        chat     120 ms         100 ms–300 ms  1         10%',
      'ocr     (ready)  500 ms         500 ms–500 ms',
      '        eng      400 ms         400 ms–400 ms  1         33%',
      '',
      'critical path: llm ready at 1.2 s, last model chat',
      'slower than baseline: llm/chat 60 ms → 120 ms (2×)',
      'PASS: cold start 1.2 s (median of 3 runs) within the budget of 2.0 s',
    ]);
  });

  it('shows a failed model by its state and ends with FAIL and the reason, in red', () => {
    const colour = new Chalk({ level: 1 });
    const table = coldStartTable(buildReport([failedRun('server llm: chat: wrong magic')], 2000), colour);
    expect(table).toContain('        chat     failed');
    expect(table.endsWith(colour.red('FAIL: server llm: chat: wrong magic'))).toBe(true);
  });
});
