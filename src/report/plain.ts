// Timestamped lines for logs and CI: one per event, server name first, server output after a bar; a load's progress
// once per 10%.
import type { ChalkInstance } from 'chalk';
import type { SupervisorEvent } from '../supervisor/events.js';
import { describeSupervisorEvent } from './describe.js';
import type { Reporter } from './reporter.js';
import { serverColor } from './style.js';
import { summaryTable } from './summary.js';

const clock = () => new Date().toISOString().slice(11, 23);

/** Lets a model's progress through once per tenth of its load (and per attempt). */
function everyTenth(): (e: SupervisorEvent) => boolean {
  const last = new Map<string, number>();
  return (e) => {
    if (e.type !== 'timing' || e.event.event !== 'load_progress') return true;
    const key = `${e.server}/${e.event.model}/${e.event.attempt}`;
    const tenth = Math.floor((e.event.fraction ?? 0) * 10);
    if (tenth <= (last.get(key) ?? 0)) return false;
    last.set(key, tenth);
    return true;
  };
}

export function plainReporter(
  paint: ChalkInstance,
  names: string[],
  write: (s: string) => void = (s) => process.stdout.write(s),
): Reporter {
  const tag = serverColor(paint, names);
  const worthALine = everyTenth();
  const style = (e: SupervisorEvent, text: string) => {
    if (e.type === 'output') return `${paint.dim('|')} ${text}`;
    const bad = (e.type === 'state' && e.state === 'failed') || (e.type === 'reloaded' && !e.ok);
    return bad ? paint.red(text) : text;
  };
  return {
    event(e) {
      if (!worthALine(e)) return;
      const text = describeSupervisorEvent(e);
      if (text === undefined) return;
      const who = 'server' in e ? `${tag(e.server)}  ` : '';
      write(`${paint.dim(clock())} ${who}${style(e, text)}\n`);
    },
    note: (text) => write(`${paint.dim(clock())} ${text}\n`),
    ready: (summary, coldStartMs, budgetMs) => write(`\n${summaryTable(summary, coldStartMs, budgetMs)}\n`),
    failed: (message) => write(`${paint.dim(clock())} ${paint.red(`failed: ${message}`)}\n`),
    close: () => {},
  };
}
