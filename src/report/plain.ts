// Timestamped lines for logs and CI: one per event, server name first, server output after a bar.
import type { ChalkInstance } from 'chalk';
import { describeSupervisorEvent } from './describe.js';
import { serverColor } from './style.js';
import type { Reporter } from './reporter.js';
import { summaryTable } from './summary.js';

const clock = () => new Date().toISOString().slice(11, 23);

export function plainReporter(
  paint: ChalkInstance,
  names: string[],
  write: (s: string) => void = (s) => process.stdout.write(s),
): Reporter {
  const tag = serverColor(paint, names);
  return {
    event(e) {
      if (e.type === 'stack-ready') return;
      const text = describeSupervisorEvent(e);
      if (text === undefined) return;
      const body =
        e.type === 'output'
          ? `${paint.dim('|')} ${text}`
          : e.type === 'state' && e.state === 'failed'
            ? paint.red(text)
            : text;
      write(`${paint.dim(clock())} ${tag(e.server)}  ${body}\n`);
    },
    note: (text) => write(`${paint.dim(clock())} ${text}\n`),
    ready: (summary, coldStartMs, budgetMs) => write(`\n${summaryTable(summary, coldStartMs, budgetMs)}\n`),
    failed: (message) => write(`${paint.dim(clock())} ${paint.red(`failed: ${message}`)}\n`),
    close: () => {},
  };
}
