// The three ways a pull shows its progress: a live block on a terminal (one line per model, redrawn in place), plain
// lines for CI logs (every 10% or every few seconds), and JSON events for scripts.
import type { ChalkInstance } from 'chalk';
import type { PullEvent, PullResult } from '../models/pull.js';
import { formatBytes } from '../format.js';
import { describeTransfer, percentOf, type Transfer, Transfers } from './pull-progress.js';

/** What a pull tells its view. */
export interface PullView {
  event(e: PullEvent): void;
  result(r: PullResult): void;
  close(): void;
}

/** Where a view writes, and with which clock (swappable for tests). */
export interface ViewOptions {
  /** Where results go (stdout). */
  out: (line: string) => void;
  /** Where progress goes (stderr); JSON goes to `out`. */
  progress: (text: string) => void;
  formatResult: (r: PullResult) => string;
  paint: ChalkInstance;
  now?: () => number;
}

const REDRAW_MS = 100;
const PLAIN_EVERY_MS = 5000;

/** One line per model under way at the foot of the terminal, redrawn at most every 100 ms; results print above it. */
export function livePullView(o: ViewOptions): PullView {
  const now = o.now ?? (() => performance.now());
  const transfers = new Transfers(now);
  let drawn = 0;
  let lastDraw = -Infinity;
  const clear = () => {
    if (drawn > 0) o.progress(`\x1b[${drawn}A\r\x1b[J`);
    drawn = 0;
  };
  const draw = () => {
    const width = Math.max(0, ...transfers.list().map((t) => t.model.length));
    const lines = transfers.list().map((t) => `${o.paint.cyan(t.model.padEnd(width))}  ${describeTransfer(t)}`);
    o.progress(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\r${l}\x1b[K\n`).join('')}\x1b[J`);
    drawn = lines.length;
    lastDraw = now();
  };
  return {
    event(e) {
      transfers.apply(e);
      if (e.type !== 'progress' || now() - lastDraw >= REDRAW_MS) draw();
    },
    result(r) {
      transfers.finish(r.server, r.model);
      clear();
      o.out(o.formatResult(r));
      draw();
    },
    close: clear,
  };
}

/** Lines for logs: when a download starts, at each further 10% (or every 5 s without a size), on each retry. */
export function plainPullView(o: ViewOptions): PullView {
  const now = o.now ?? (() => performance.now());
  const transfers = new Transfers(now);
  const said = new Map<Transfer, { pct: number; at: number }>();
  const line = (t: Transfer, text: string) => o.progress(`${t.model}: ${text}\n`);
  return {
    event(e) {
      const t = transfers.apply(e);
      if (e.type === 'start') {
        const size = e.total === undefined ? 'size unknown' : formatBytes(e.total);
        line(t, `downloading (${size}${e.from > 0 ? `, resuming at ${formatBytes(e.from)}` : ''})`);
        said.set(t, { pct: percentOf(t) ?? 0, at: now() });
      } else if (e.type === 'retry') {
        line(t, describeTransfer(t));
      } else {
        const last = said.get(t) ?? { pct: 0, at: now() };
        const pct = percentOf(t);
        const step = pct !== undefined && Math.floor(pct / 10) > Math.floor(last.pct / 10) && pct < 100;
        if (step || (pct === undefined && now() - last.at >= PLAIN_EVERY_MS)) {
          line(t, describeTransfer(t));
          said.set(t, { pct: pct ?? 0, at: now() });
        }
      }
    },
    result(r) {
      transfers.finish(r.server, r.model);
      o.out(o.formatResult(r));
    },
    close: () => {},
  };
}

/** `--json`: each event and each result as one line, with `t` in ms since the pull began; progress once a second. */
export function jsonPullView(o: Pick<ViewOptions, 'out' | 'now'>): PullView {
  const now = o.now ?? (() => performance.now());
  const began = now();
  const lastProgress = new Map<string, number>();
  const emit = (obj: object) => o.out(JSON.stringify({ ...obj, t: Math.round(now() - began) }));
  return {
    event(e) {
      const key = `${e.server}\0${e.model}`;
      if (e.type === 'progress' && now() - (lastProgress.get(key) ?? -Infinity) < 1000) return;
      if (e.type === 'progress') lastProgress.set(key, now());
      emit(e);
    },
    result: (r) => emit({ ...r, type: 'result' }),
    close: () => {},
  };
}
