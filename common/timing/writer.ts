// Appends timing events as JSON lines to `.modelctl/logs/<server>.jsonl`.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TimingEvent } from './events.js';

export function timingLogFile(stateDir: string, server: string): string {
  return join(stateDir, 'logs', `${server}.jsonl`);
}

/**
 * Returns a sink that appends each event as one line; events are few, so a synchronous append keeps order and survives
 * crashes.
 */
export function openTimingLog(file: string): (e: TimingEvent) => void {
  mkdirSync(dirname(file), { recursive: true });
  return (e) => appendFileSync(file, `${JSON.stringify(e)}\n`);
}
