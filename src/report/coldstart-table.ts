// The console view of a cold-start report: per server and model, load time, spread, attempts, share, and the critical
// path.
import type { ChalkInstance } from 'chalk';
import type { ColdStartReport, Stats } from '../coldstart/report.js';
import { formatMs } from '../format.js';
import { formatTable } from './table.js';

const spread = (s: Stats | null, runs: number) => (s && runs > 1 ? `${formatMs(s.min)}–${formatMs(s.max)}` : '');

export function coldStartTable(r: ColdStartReport, paint: ChalkInstance): string {
  const header = ['SERVER', 'MODEL', r.runs > 1 ? 'LOAD (median)' : 'LOAD', 'MIN–MAX', 'ATTEMPTS', 'SHARE'];
  const rows: string[][] = [];
  for (const s of r.servers) {
    rows.push([
      s.name,
      '(ready)',
      s.readyMs === null ? '-' : formatMs(s.readyMs),
      spread(s.readyStats, r.runs),
      '',
      '',
    ]);
    for (const m of s.models) {
      rows.push([
        '',
        m.name,
        m.loadMs === null ? m.state : formatMs(m.loadMs),
        spread(m.loadStats, r.runs),
        String(m.attempts),
        m.share === null ? '' : `${Math.round(m.share * 100)}%`,
      ]);
    }
  }
  const out = [...formatTable(header, rows), ''];
  const path = r.criticalPath;
  if (path) {
    const lastModel = path.model ? `, last model ${path.model}` : '';
    out.push(`critical path: ${path.server} ready at ${formatMs(path.readyMs)}${lastModel}`);
  }
  for (const g of r.regressions)
    out.push(
      paint.yellow(
        `slower than baseline: ${g.server}/${g.model} ${formatMs(g.baselineMs)} → ${formatMs(g.loadMs)} (${g.ratio}×)`,
      ),
    );
  const basis = r.runs > 1 ? ` (median of ${r.runs} runs)` : '';
  out.push(
    r.passed
      ? paint.green(`PASS: cold start ${formatMs(r.coldStartMs!)}${basis} within the budget of ${formatMs(r.budgetMs)}`)
      : paint.red(`FAIL: ${r.reason}`),
  );
  return out.join('\n');
}
