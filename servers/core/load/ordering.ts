// The order models enter the loader's queue: by priority (default), or slowest first using the last run's load times,
// which shortens the total when there are more models than the cap (the long loads no longer start last).
import { existsSync } from 'node:fs';
import { readTimingEvents } from '../../../common/timing/reader.js';
import { timingLogFile } from '../../../common/timing/writer.js';
import type { ModelRecord } from '../model-states.js';

export type LoadOrder = 'priority' | 'longest-first';

/** Sorts a copy; `lastLoadMs` comes from the previous timing log, and a model never seen there counts as slowest. */
export function orderForLoading<H>(
  models: ModelRecord<H>[],
  order: LoadOrder,
  lastLoadMs: Map<string, number>,
): ModelRecord<H>[] {
  const byPriority = [...models].sort((a, b) => a.priority - b.priority);
  if (order === 'priority') return byPriority;
  return byPriority.sort((a, b) => (lastLoadMs.get(b.name) ?? Infinity) - (lastLoadMs.get(a.name) ?? Infinity));
}

/** The last successful load time of each model in a server's earlier timing events. */
export function lastLoadTimes(events: { model?: string; event: string; ms?: number }[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const e of events) if (e.event === 'load_end' && e.model && e.ms !== undefined) times.set(e.model, e.ms);
  return times;
}

/** What `order` needs of the last run: its load times for `longest-first` (none for a first run), else nothing. */
export function previousLoadTimes(order: LoadOrder, stateDir: string, server: string): Map<string, number> {
  const logFile = timingLogFile(stateDir, server);
  return order === 'longest-first' && existsSync(logFile) ? lastLoadTimes(readTimingEvents([logFile])) : new Map();
}
