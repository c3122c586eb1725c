// One model as the live view and `status` show it: name, state, load time, attempts, and the error while not ready.
import type { ChalkInstance } from 'chalk';
import { etaMs, formatEta, formatMs, formatRate } from '../format.js';

export interface ModelLineData {
  name: string;
  state: string;
  loadMs?: number | null;
  attempts: number;
  error?: string | null;
  progress?: LoadProgressView;
}

export interface LoadProgressView {
  fraction: number;
  bytes: number;
  total: number;
  /** Bytes per second. */
  rate?: number;
}

const BAR_WIDTH = 20;

/** `[███████░░░░░░] 41%  412 MB/s  ETA 12 s`: the bar, the share, the rate and the time left at that rate. */
export function progressText(p: LoadProgressView): string {
  const filled = Math.round(Math.min(1, p.fraction) * BAR_WIDTH);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
  const pct = `${Math.floor(p.fraction * 100)}%`.padStart(4);
  if (!p.rate) return `${bar} ${pct}`;
  return `${bar} ${pct}  ${formatRate(p.rate)}  ETA ${formatEta(etaMs(p.total - p.bytes, p.rate))}`;
}

const STATE_COLOR: Record<string, 'green' | 'yellow' | 'red' | 'gray' | 'blue'> = {
  ready: 'green',
  loading: 'yellow',
  waiting: 'yellow',
  starting: 'yellow',
  retrying: 'yellow',
  restarting: 'yellow',
  reloading: 'yellow',
  swapping: 'green',
  unloading: 'blue',
  unloaded: 'gray',
  queued: 'gray',
  pending: 'gray',
  failed: 'red',
  quarantined: 'red',
  hung: 'red',
  stopping: 'blue',
  stopped: 'gray',
};

/** A state word in its colour, padded to line up. */
export const stateWord = (paint: ChalkInstance, state: string): string =>
  paint[STATE_COLOR[state] ?? 'gray'](state.padEnd(10));

/** While loading: the progress bar; once loaded: how long it took. */
function loadColumn(m: ModelLineData): string {
  if (m.state === 'loading' && m.progress) return progressText(m.progress);
  return m.loadMs == null ? '' : formatMs(m.loadMs);
}

export function modelLine(paint: ChalkInstance, m: ModelLineData): string {
  const load = loadColumn(m);
  const attempts = m.attempts > 1 ? paint.dim(` attempt ${m.attempts}`) : '';
  const error = m.error && m.state !== 'ready' ? paint.red(` ${m.error}`) : '';
  return `  ${m.name.padEnd(14)} ${stateWord(paint, m.state)} ${load}${attempts}${error}`;
}
