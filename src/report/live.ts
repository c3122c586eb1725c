// The live view on a terminal: one block per server and model (state, elapsed, attempts), redrawn in place from the
// view it folds of the events it is told; server output and notable events scroll above it.
import type { ChalkInstance } from 'chalk';
import { formatMs } from '../format.js';
import { isHeartbeat } from '../supervisor/events.js';
import { foldStack, type ServerView, type StackView } from '../supervisor/view/stack-view.js';
import { describeSupervisorEvent } from './describe.js';
import { serverColor } from './style.js';
import { modelLine, stateWord } from './model-line.js';
import type { Reporter } from './reporter.js';
import { summaryTable } from './summary.js';

/** Timing events worth a line of their own once the stack is up (the rest only redraw the view). */
const LANDED = new Set([
  'ready',
  'failed',
  'quarantined',
  'crashed',
  'released',
  'swap_start',
  'swap_end',
  'swap_failed',
  'unload_end',
  'removed',
]);

/**
 * The live view, from `start` (the stack before its first event); `now` is the stack's clock (ms since it started),
 * for the time a server not yet ready has taken so far.
 */
export function liveReporter(
  paint: ChalkInstance,
  start: StackView,
  now: () => number,
  stream: NodeJS.WriteStream = process.stdout,
): Reporter {
  let view = start;
  const names = start.servers.map((s) => s.name);
  const tag = serverColor(paint, names);
  let drawn = 0;
  let settled = false;
  const serverLine = (s: ServerView) =>
    `${tag(s.name)}  ${stateWord(paint, s.state)} ${paint.dim(formatMs(s.readyAt ?? now()))}`;
  const render = () => view.servers.flatMap((s) => [serverLine(s), ...s.models.map((m) => modelLine(paint, m))]);
  const clear = () => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A\x1b[0J`);
    drawn = 0;
  };
  const draw = () => {
    clear();
    const lines = render();
    stream.write(`${lines.join('\n')}\n`);
    drawn = lines.length;
  };
  const above = (text: string) => {
    clear();
    stream.write(`${text}\n`);
    if (!settled) draw();
  };
  // Redrawn every 100 ms while the stack comes up, so elapsed times move.
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    event(e) {
      view = foldStack(view, e);
      if (isHeartbeat(e)) return;
      if (settled) {
        const text = describeSupervisorEvent(e);
        const landed = e.type === 'timing' && LANDED.has(e.event.event);
        if (text !== undefined && (e.type !== 'timing' || landed))
          above(`${'server' in e ? `${tag(e.server)}  ` : ''}${e.type === 'output' ? paint.dim('| ') : ''}${text}`);
        return;
      }
      if (e.type === 'output') above(`${tag(e.server)}  ${paint.dim('|')} ${e.line}`);
      else if (e.type === 'restart' || (e.type === 'state' && e.state === 'failed'))
        above(`${tag(e.server)}  ${describeSupervisorEvent(e)}`);
      else if (e.type !== 'stack-ready') draw();
    },
    note: (text) => above(text),
    ready(summary, coldStartMs, budgetMs) {
      clearInterval(timer);
      clear();
      settled = true;
      stream.write(
        `${summaryTable(summary, coldStartMs, budgetMs)}\n${paint.dim('serving; Ctrl-C stops every server')}\n`,
      );
    },
    failed(message) {
      clearInterval(timer);
      if (!settled) draw();
      settled = true;
      stream.write(`${paint.red(`failed: ${message}`)}\n`);
    },
    close() {
      clearInterval(timer);
    },
  };
}
