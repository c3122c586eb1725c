// One model as the live view and `status` show it: name, state, load time, attempts, and the error while not ready.
import type { ChalkInstance } from 'chalk';
import { formatMs } from './format.js';

export interface ModelLineData {
  name: string;
  state: string;
  loadMs?: number | null;
  attempts: number;
  error?: string | null;
}

const STATE_COLOR: Record<string, 'green' | 'yellow' | 'red' | 'gray' | 'blue'> = {
  ready: 'green',
  loading: 'yellow',
  starting: 'yellow',
  retrying: 'yellow',
  restarting: 'yellow',
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

export function modelLine(paint: ChalkInstance, m: ModelLineData): string {
  const load = m.loadMs == null ? '' : formatMs(m.loadMs);
  const attempts = m.attempts > 1 ? paint.dim(` attempt ${m.attempts}`) : '';
  const error = m.error && m.state !== 'ready' ? paint.red(` ${m.error}`) : '';
  return `  ${m.name.padEnd(14)} ${stateWord(paint, m.state)} ${load}${attempts}${error}`;
}
