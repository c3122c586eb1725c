// The summary table `up` prints when the stack is ready: where the cold start went.
import { formatMs } from '../config/units.js';
import type { SummaryRow } from '../supervisor/events.js';

export function summaryTable(rows: SummaryRow[], coldStartMs: number, budgetMs: number): string {
  const header = ['SERVER', 'MODEL', 'LOAD', 'ATTEMPTS', 'READY AT'];
  const cells = rows.map((r) => [
    r.server,
    r.model ?? '-',
    r.loadMs === undefined ? '-' : formatMs(r.loadMs),
    r.attempts === undefined ? '-' : String(r.attempts),
    r.readyAt === undefined ? '-' : formatMs(r.readyAt),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    ...cells.map(line),
    '',
    `cold start ${formatMs(coldStartMs)} (budget ${formatMs(budgetMs)})`,
  ].join('\n');
}
