// What the pull progress views show per model: bytes, percent, speed over the last few seconds, time left. One state
// fed by the pull's events; the live view, the plain lines and JSON all read it.
import type { PullEvent } from '../models/pull.js';
import { etaMs, formatBytes, formatEta, formatMs, formatRate } from '../format.js';

/** One download under way, as the views show it. */
export interface Transfer {
  model: string;
  server: string;
  transferred: number;
  total?: number;
  /** Bytes already there when this run started (a resumed download). */
  from: number;
  startedAt: number;
  /** Recent (time, bytes) points; the speed is measured over them. */
  samples: { t: number; bytes: number }[];
  /** Why it is waiting, while a retry is pending. */
  retry?: string;
}

const WINDOW_MS = 5000;

/** Every transfer under way, by server and model. */
export class Transfers {
  private readonly byKey = new Map<string, Transfer>();
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Applies one event and returns the transfer it moved. */
  apply(e: PullEvent): Transfer {
    const key = `${e.server}\0${e.model}`;
    const t = this.now();
    let tr = this.byKey.get(key);
    if (!tr || e.type === 'start') {
      const from = e.type === 'start' ? e.from : 0;
      tr = { model: e.model, server: e.server, transferred: from, from, startedAt: t, samples: [{ t, bytes: from }] };
      this.byKey.set(key, tr);
    }
    if (e.type === 'start') tr.total = e.total;
    if (e.type === 'retry') tr.retry = `retry ${e.attempt} in ${formatMs(e.delayMs)}: ${e.reason}`;
    if (e.type === 'progress') {
      tr.retry = undefined;
      tr.transferred = e.transferred;
      tr.total = e.total ?? tr.total;
      tr.samples.push({ t, bytes: e.transferred });
      while (tr.samples.length > 2 && t - tr.samples[1]!.t > WINDOW_MS) tr.samples.shift();
    }
    return tr;
  }

  /** Forgets a model once its result is in. */
  finish(server: string, model: string): void {
    this.byKey.delete(`${server}\0${model}`);
  }

  list(): Transfer[] {
    return [...this.byKey.values()];
  }
}

/** Bytes per second over the recent samples; undefined until there is something to measure. */
export function rateOf(tr: Transfer): number | undefined {
  const first = tr.samples[0]!;
  const last = tr.samples.at(-1)!;
  const ms = last.t - first.t;
  return ms > 0 && last.bytes > first.bytes ? ((last.bytes - first.bytes) * 1000) / ms : undefined;
}

/** Percent done, whole numbers; undefined when the size is unknown. */
export const percentOf = (tr: Transfer): number | undefined =>
  tr.total ? Math.floor((100 * tr.transferred) / tr.total) : undefined;

/** `1.20 GB / 4.10 GB  29%  85.2 MB/s  ETA 34 s`, or the pending retry. */
export function describeTransfer(tr: Transfer): string {
  const parts = [tr.total ? `${formatBytes(tr.transferred)} / ${formatBytes(tr.total)}` : formatBytes(tr.transferred)];
  const pct = percentOf(tr);
  if (pct !== undefined) parts.push(`${pct}%`);
  const rate = rateOf(tr);
  if (rate) parts.push(formatRate(rate));
  if (rate && tr.total) parts.push(`ETA ${formatEta(etaMs(tr.total - tr.transferred, rate))}`);
  if (tr.retry) parts.push(tr.retry);
  return parts.join('  ');
}
