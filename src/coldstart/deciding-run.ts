// Which run of `coldstart-test --runs N` a picture shows: the run that decided the verdict.
import type { RunResult } from './measure.js';

/**
 * A failed run (a failure ends the test, so it is the last); else the median run by cold start (with an even N, the
 * slower of the two middle runs, as the median lies between them). `why` says which, for the page.
 */
export function decidingRun(runs: RunResult[]): { index: number; why: string } {
  const failed = runs.findIndex((r) => !r.ok);
  const of = `of ${runs.length}`;
  if (failed >= 0) return { index: failed, why: `run ${failed + 1} ${of}, which failed: ${runs[failed]!.reason}` };
  if (runs.length === 1) return { index: 0, why: 'run 1 of 1' };
  const order = runs.map((_, i) => i).sort((a, b) => runs[a]!.coldStartMs! - runs[b]!.coldStartMs! || a - b);
  const index = order[Math.floor(runs.length / 2)]!;
  const median = runs.length % 2 === 1 ? 'the median run' : 'the slower of the two middle runs';
  return { index, why: `run ${index + 1} ${of}, ${median}` };
}
