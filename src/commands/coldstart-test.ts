// `modelctl coldstart-test`: the CI gate. Cold-starts the whole stack N times from scratch, reports where the time went
// (console, JSON, JUnit), compares with the last report, and passes only when the median cold start is within budget.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../../common/config/load.js';
import { formatMs } from '../format.js';
import { ConfigError, ExitCode, ModelctlError, messageOf } from '../../common/errors.js';
import { measureColdStart, type RunResult } from '../coldstart/measure.js';
import { buildReport, compareWithBaseline, type ColdStartReport } from '../coldstart/report.js';
import { coldStartTable } from '../report/coldstart-table.js';
import { junitXml } from '../report/junit.js';
import { paint } from '../report/style.js';
import { budgetFlag, thresholdFlag } from '../flags.js';
import { decidingRun } from '../coldstart/deciding-run.js';
import type { SupervisorEvent } from '../supervisor/events.js';
import { buildTimeline } from '../report/timeline/build.js';
import { timelineOptions } from '../report/timeline/from-config.js';
import { writeTimelineHtml } from '../report/timeline/write.js';

export interface ColdStartOptions {
  config: string;
  budget?: string;
  runs: string;
  json?: boolean;
  junit?: string;
  report?: string;
  baseline?: string;
  threshold: string;
  dropCaches?: boolean;
  pull: boolean;
  html?: string;
}

/** The earlier report to compare with; none when the file does not exist. A file that is not a report is an error. */
function readBaseline(file: string | undefined): ColdStartReport | undefined {
  if (!file || !existsSync(file)) return undefined;
  let report: Partial<ColdStartReport>;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as Partial<ColdStartReport>;
  } catch (err) {
    throw new ConfigError([`baseline ${file}: not valid JSON (${messageOf(err)}); delete it or pass --baseline FILE`]);
  }
  if (!Array.isArray(report.servers)) {
    throw new ConfigError([`baseline ${file}: not a coldstart-test report (it has no "servers" list)`]);
  }
  return report as ColdStartReport;
}

export async function coldstartTest(opts: ColdStartOptions): Promise<void> {
  const config = loadConfig(opts.config);
  const budgetMs = budgetFlag(config, opts.budget);
  const runs = Number(opts.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100)
    throw new ConfigError([`--runs: expected a whole number from 1 to 100, got "${opts.runs}"`]);
  const threshold = thresholdFlag(opts.threshold);
  if (opts.html === '-') throw new ConfigError(['--html: give a file (stdout has the report)']);
  const baseline = readBaseline(opts.baseline ?? opts.report);
  const say = (text: string) => {
    if (!opts.json) console.log(text);
  };

  if (opts.pull) await (await import('../pull-first.js')).pullMissing(config, { quiet: opts.json, out: say });
  // One run is judged against the budget itself; with several, a run may overrun (up to twice) and the median decides.
  const deadlineMs = runs === 1 ? budgetMs : budgetMs * 2;
  const results: RunResult[] = [];
  const eventsOfRuns: SupervisorEvent[][] = [];
  for (let i = 1; i <= runs; i++) {
    const events: SupervisorEvent[] = [];
    eventsOfRuns.push(events);
    const onEvent = opts.html ? (e: SupervisorEvent) => events.push(e) : undefined;
    const r = await measureColdStart(config, { budgetMs, deadlineMs, dropCaches: Boolean(opts.dropCaches), onEvent });
    results.push(r);
    say(`run ${i}/${runs}: ${r.ok ? `cold start ${formatMs(r.coldStartMs!)}` : paint.red(`failed: ${r.reason}`)}`);
    if (!r.ok) break;
  }
  const report = buildReport(results, budgetMs);
  if (baseline) report.regressions = compareWithBaseline(report, baseline, threshold);
  const json = JSON.stringify(report, null, 2);
  if (opts.report) writeFileSync(opts.report, `${json}\n`);
  if (opts.junit) writeFileSync(opts.junit, junitXml(report));
  if (opts.html) {
    const { index, why } = decidingRun(results);
    writeTimelineHtml(opts.html, buildTimeline(eventsOfRuns[index]!, timelineOptions(config, budgetMs, why)));
  }
  if (opts.json) console.log(json);
  else console.log(`\n${coldStartTable(report, paint)}`);
  if (!report.passed) {
    throw new ModelctlError(report.reason ?? 'cold-start test failed', { exitCode: ExitCode.failure, reported: true });
  }
}
