// The summary table `up` prints when the stack is ready: where the cold start went.
import { formatMs } from '../format.js';
import type { SummaryRow } from '../supervisor/events.js';
import { formatTable } from './table.js';

export function summaryTable(rows: SummaryRow[], coldStartMs: number, budgetMs: number): string {
  const header = ['SERVER', 'MODEL', 'LOAD', 'ATTEMPTS', 'READY AT'];
  const cells = rows.map((r) => [
    r.server,
    r.model ?? '-',
    r.loadMs === undefined ? (r.state ?? '-') : formatMs(r.loadMs),
    r.attempts === undefined ? '-' : String(r.attempts),
    r.readyAt === undefined ? '-' : formatMs(r.readyAt),
  ]);
  return [...formatTable(header, cells), '', `cold start ${formatMs(coldStartMs)} (budget ${formatMs(budgetMs)})`].join(
    '\n',
  );
}
