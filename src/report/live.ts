// The live view on a terminal: one block per server and model (state, elapsed, attempts), redrawn in place;
// server output and notable events scroll above it.
import type { ChalkInstance } from 'chalk';
import { formatMs } from '../config/units.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { describeSupervisorEvent } from './describe.js';
import { serverColor } from './plain.js';
import type { Reporter } from './reporter.js';
import { summaryTable } from './summary.js';

const STATE_COLOR: Record<string, 'green' | 'yellow' | 'red' | 'gray' | 'blue'> = {
  ready: 'green',
  loading: 'yellow',
  starting: 'yellow',
  retrying: 'yellow',
  restarting: 'yellow',
  queued: 'gray',
  pending: 'gray',
  failed: 'red',
  stopping: 'blue',
  stopped: 'gray',
};

export function liveReporter(
  paint: ChalkInstance,
  sup: Supervisor,
  stream: NodeJS.WriteStream = process.stdout,
): Reporter {
  const names = sup.servers.map((s) => s.config.name);
  const tag = serverColor(paint, names);
  let drawn = 0;
  let settled = false;
  const state = (s: string) => paint[STATE_COLOR[s] ?? 'gray'](s.padEnd(10));
  const render = () =>
    sup.servers.flatMap((s) => [
      `${tag(s.config.name)}  ${state(s.state)} ${paint.dim(s.readyAt !== undefined ? formatMs(s.readyAt) : formatMs(sup.now()))}`,
      ...[...s.models.values()].map(
        (m) =>
          `  ${m.name.padEnd(14)} ${state(m.state)} ${m.loadMs !== undefined ? formatMs(m.loadMs) : ''}${m.attempts > 1 ? paint.dim(` attempt ${m.attempts}`) : ''}${m.error && m.state !== 'ready' ? paint.red(` ${m.error}`) : ''}`,
      ),
    ]);
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
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    event(e) {
      if (settled) {
        const text = describeSupervisorEvent(e);
        const landed = e.type === 'timing' && (e.event.event === 'ready' || e.event.event === 'failed');
        if (text !== undefined && e.type !== 'stack-ready' && (e.type !== 'timing' || landed))
          above(`${tag(e.server)}  ${e.type === 'output' ? paint.dim('| ') : ''}${text}`);
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
