import { describe, expect, it } from 'vitest';
import { summaryTable } from '../../src/report/summary.js';

describe('summary table', () => {
  it('shows each model with its load, attempts and ready time, then the cold start against the budget', () => {
    const rows = [
      { server: 'llm', model: 'chat', loadMs: 59.4, attempts: 1, readyAt: 1400 },
      { server: 'asr-ocr', model: 'ocr', loadMs: 601, attempts: 2, readyAt: 1100 },
      { server: 'ext', readyAt: 300 },
    ];
    expect(summaryTable(rows, 1458.3, 120_000).split('\n')).toEqual([
      'SERVER   MODEL  LOAD    ATTEMPTS  READY AT',
      'llm      chat   59 ms   1         1.4 s',
      'asr-ocr  ocr    601 ms  2         1.1 s',
      'ext      -      -       -         300 ms',
      '',
      'cold start 1.5 s (budget 120 s)',
    ]);
  });
});
