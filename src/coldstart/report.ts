// Turns cold-start runs into the stable JSON report (shape documented in docs/cold-start.md): medians, spread, critical
// path, pass/fail on the median, and models that got slower than in a baseline report.
import type { RunResult } from './measure.js';

export interface Stats {
  min: number;
  median: number;
  max: number;
}

export interface ColdStartReport {
  passed: boolean;
  reason: string | null;
  budgetMs: number;
  /** Median over runs of the slowest server's spawn-to-ready time. */
  coldStartMs: number | null;
  runs: number;
  statistic: 'median';
  servers: {
    name: string;
    readyMs: number | null;
    readyStats: Stats | null;
    models: {
      name: string;
      loadMs: number | null;
      attempts: number;
      state: string;
      loadStats: Stats | null;
      share: number | null;
    }[];
  }[];
  /** The server that set the cold start, and its model that was ready last. */
  criticalPath: { server: string; readyMs: number; model: string | null; modelReadyMs: number | null } | null;
  regressions: { server: string; model: string; baselineMs: number; loadMs: number; ratio: number }[];
}

const round = (n: number) => Math.round(n * 10) / 10;

export function stats(xs: (number | undefined)[]): Stats | null {
  const v = xs.filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return {
    min: round(v[0]!),
    median: round(v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2),
    max: round(v.at(-1)!),
  };
}

export function buildReport(runs: RunResult[], budgetMs: number): ColdStartReport {
  const failed = runs.find((r) => !r.ok);
  const coldStart = stats(runs.map((r) => r.coldStartMs));
  const last = runs.at(-1)!;
  const servers = last.servers.map((s) => {
    const runsOf = runs.map((r) => r.servers.find((x) => x.name === s.name));
    const ready = stats(runsOf.map((x) => x?.readyMs));
    return {
      name: s.name,
      readyMs: ready?.median ?? null,
      readyStats: ready,
      models: s.models.map((m) => {
        const load = stats(runsOf.map((x) => x?.models.find((y) => y.name === m.name)?.loadMs));
        return {
          name: m.name,
          loadMs: load?.median ?? null,
          attempts: m.attempts,
          state: m.state,
          loadStats: load,
          share: load && coldStart ? Math.round((load.median / coldStart.median) * 1000) / 1000 : null,
        };
      }),
    };
  });
  const slowest = [...servers].filter((s) => s.readyMs !== null).sort((a, b) => b.readyMs! - a.readyMs!)[0];
  let criticalPath: ColdStartReport['criticalPath'] = null;
  if (slowest) {
    const lastModel = last.servers
      .find((s) => s.name === slowest.name)!
      .models.filter((m) => m.readyMs !== undefined)
      .sort((a, b) => b.readyMs! - a.readyMs!)[0];
    criticalPath = {
      server: slowest.name,
      readyMs: slowest.readyMs!,
      model: lastModel?.name ?? null,
      modelReadyMs: lastModel?.readyMs === undefined ? null : round(lastModel.readyMs),
    };
  }
  const overBudget = coldStart !== null && coldStart.median > budgetMs;
  const pathName = criticalPath ? [criticalPath.server, criticalPath.model].filter(Boolean).join('/') : 'none';
  const overBudgetReason =
    `cold start ${coldStart?.median} ms (median of ${runs.length}) is over the budget of ${budgetMs} ms; ` +
    `critical path: ${pathName}`;
  const reason = failed?.reason ?? (overBudget ? overBudgetReason : null);
  return {
    passed: !failed && !overBudget && coldStart !== null,
    reason,
    budgetMs,
    coldStartMs: coldStart?.median ?? null,
    runs: runs.length,
    statistic: 'median',
    servers,
    criticalPath,
    regressions: [],
  };
}

/** Models whose median load got slower than the baseline's by more than `threshold` (a fraction) and 25 ms. */
export function compareWithBaseline(
  report: ColdStartReport,
  baseline: ColdStartReport,
  threshold: number,
): ColdStartReport['regressions'] {
  return report.servers.flatMap((s) =>
    s.models.flatMap((m) => {
      const before = baseline.servers?.find((b) => b.name === s.name)?.models.find((b) => b.name === m.name)?.loadMs;
      if (before == null || m.loadMs === null) return [];
      const ratio = m.loadMs / Math.max(before, 1);
      return ratio > 1 + threshold && m.loadMs - before > 25
        ? [
            {
              server: s.name,
              model: m.name,
              baselineMs: before,
              loadMs: m.loadMs,
              ratio: Math.round(ratio * 100) / 100,
            },
          ]
        : [];
    }),
  );
}
