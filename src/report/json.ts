// `--json`: every supervisor event (but heartbeats) as one JSON line on stdout, then a final result line, for scripts.
import { isHeartbeat } from '../supervisor/events.js';
import type { Reporter } from './reporter.js';

export function jsonReporter(write: (s: string) => void = (s) => process.stdout.write(s)): Reporter {
  const out = (o: unknown) => write(`${JSON.stringify(o)}\n`);
  return {
    event(e) {
      if (!isHeartbeat(e)) out(e);
    },
    note: (text) => out({ type: 'note', text }),
    ready: (summary, coldStartMs, budgetMs) =>
      out({ type: 'result', ok: true, coldStartMs: Math.round(coldStartMs), budgetMs, summary }),
    failed: (message, exitCode) => out({ type: 'result', ok: false, exitCode, error: message }),
    close: () => {},
  };
}
