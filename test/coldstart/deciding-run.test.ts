import { describe, expect, it } from 'vitest';
import { decidingRun } from '../../src/coldstart/deciding-run.js';
import type { RunResult } from '../../src/coldstart/measure.js';

const ok = (coldStartMs: number): RunResult => ({ ok: true, coldStartMs, servers: [] });

describe('the run a coldstart-test picture shows', () => {
  it('is the only run when there is one', () => {
    expect(decidingRun([ok(900)])).toEqual({ index: 0, why: 'run 1 of 1' });
  });

  it('is the median run of an odd number of runs', () => {
    expect(decidingRun([ok(900), ok(3000), ok(1200)])).toEqual({ index: 2, why: 'run 3 of 3, the median run' });
  });

  it('is the slower of the two middle runs of an even number', () => {
    expect(decidingRun([ok(1500), ok(900), ok(3000), ok(1200)])).toEqual({
      index: 0,
      why: 'run 1 of 4, the slower of the two middle runs',
    });
  });

  it('is the run that failed, whatever the others did', () => {
    const failed: RunResult = { ok: false, reason: 'server llm: chat: truncated', servers: [] };
    expect(decidingRun([ok(900), failed])).toEqual({
      index: 1,
      why: 'run 2 of 2, which failed: server llm: chat: truncated',
    });
  });
});
