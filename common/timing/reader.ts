// Reads timing logs back: every `.jsonl` under .modelctl/logs, optionally one server's, optionally following new lines.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TimingEvent } from './events.js';

export function timingLogFiles(stateDir: string, server?: string): string[] {
  const dir = join(stateDir, 'logs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && (!server || f === `${server}.jsonl`))
    .map((f) => join(dir, f));
}

function parseLines(text: string): TimingEvent[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as TimingEvent];
      } catch {
        return [];
      }
    });
}

/** Every event of the given files, in time order. */
export function readTimingEvents(files: string[]): TimingEvent[] {
  return files.flatMap((f) => parseLines(readFileSync(f, 'utf8'))).sort((a, b) => a.ts.localeCompare(b.ts));
}

/** Calls `onEvent` for lines appended after now; returns a stop function. */
export function followTimingEvents(
  files: () => string[],
  onEvent: (e: TimingEvent) => void,
  intervalMs = 200,
): () => void {
  const offsets = new Map(files().map((f) => [f, statSync(f).size]));
  const timer = setInterval(() => {
    for (const f of files()) {
      const size = statSync(f).size;
      const from = offsets.get(f) ?? 0;
      if (size <= from) {
        offsets.set(f, size);
        continue;
      }
      const text = readFileSync(f).subarray(from, size).toString();
      const complete = text.lastIndexOf('\n') + 1;
      offsets.set(f, from + Buffer.byteLength(text.slice(0, complete)));
      for (const e of parseLines(text.slice(0, complete))) onEvent(e);
    }
  }, intervalMs);
  return () => clearInterval(timer);
}
