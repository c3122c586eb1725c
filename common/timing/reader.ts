// Reads timing logs back: every `.jsonl` under .modelctl/logs, optionally one server's, optionally following new lines.
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
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

/** A followed log: an open descriptor, so a log deleted and written anew is seen as another file (another inode). */
interface Followed {
  fd: number;
  ino: number;
  offset: number;
}

/** Opens `file` to follow from `offset` (its end when undefined); undefined when it is gone. */
function openFollowed(file: string, offset?: number): Followed | undefined {
  try {
    const fd = openSync(file, 'r');
    const st = fstatSync(fd);
    return { fd, ino: st.ino, offset: offset ?? st.size };
  } catch {
    return undefined;
  }
}

/** The file's inode, or undefined when it is gone. */
function inodeOf(file: string): number | undefined {
  try {
    return statSync(file).ino;
  } catch {
    return undefined;
  }
}

/** Reads `log` from its offset to its end (whole lines only), moving the offset on; the events read. */
function readOn(log: Followed): TimingEvent[] {
  const size = fstatSync(log.fd).size;
  if (size <= log.offset) {
    log.offset = size;
    return [];
  }
  const bytes = Buffer.alloc(size - log.offset);
  readSync(log.fd, bytes, 0, bytes.length, log.offset);
  const complete = bytes.lastIndexOf(0x0a) + 1;
  log.offset += complete;
  return parseLines(bytes.subarray(0, complete).toString());
}

/**
 * Calls `onEvent` for lines appended after now; returns a stop function. With `backlog`, what the logs hold already
 * is handed to it first, in time order, read through the same descriptors, so no line falls between the two. A log
 * that is deleted is forgotten; one that appears, is written anew or is emptied is read from its start.
 */
export function followTimingEvents(
  files: () => string[],
  onEvent: (e: TimingEvent) => void,
  opts: { intervalMs?: number; backlog?: (events: TimingEvent[]) => void } = {},
): () => void {
  const followed = new Map<string, Followed>();
  const forget = (file: string) => {
    closeSync(followed.get(file)!.fd);
    followed.delete(file);
  };
  const backlog: TimingEvent[] = [];
  for (const f of files()) {
    const log = openFollowed(f, opts.backlog ? 0 : undefined);
    if (!log) continue;
    followed.set(f, log);
    if (opts.backlog) backlog.push(...readOn(log));
  }
  opts.backlog?.(backlog.sort((a, b) => a.ts.localeCompare(b.ts)));
  const look = () => {
    const now = files();
    for (const f of followed.keys()) {
      // Holding the old file open keeps its inode from being reused by the new one.
      if (!now.includes(f) || inodeOf(f) !== followed.get(f)!.ino) forget(f);
    }
    for (const f of now) {
      const log = followed.get(f) ?? openFollowed(f, 0);
      if (!log) continue;
      followed.set(f, log);
      for (const e of readOn(log)) onEvent(e);
    }
  };
  const timer = setInterval(look, opts.intervalMs ?? 200);
  return () => {
    clearInterval(timer);
    for (const f of [...followed.keys()]) forget(f);
  };
}
