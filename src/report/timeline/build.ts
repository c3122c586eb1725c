// Events → timeline: folds the supervisor's event stream (the one `up --json` prints; `modelctl timeline` rebuilds it
// from the timing logs) into one row per server and per model, then ends the picture where the start-up ended.
import type { SupervisorEvent } from '../../supervisor/events.js';
import type { Row, Timeline } from './model.js';
import { roundMs } from './model-track.js';
import { ServerTrack } from './server-track.js';

export interface TimelineOptions {
  budgetMs: number;
  /** Servers and their models in config order; servers or models only the events name come after. */
  servers: { name: string; models: string[] }[];
  /** A model file's size, for the load rate when the events do not say. */
  fileBytes?: (server: string, model: string) => number | undefined;
  note?: string;
}

export function buildTimeline(events: SupervisorEvent[], opts: TimelineOptions): Timeline {
  const tracks = new Map<string, ServerTrack>();
  const track = (name: string, models: string[] = []) => {
    let t = tracks.get(name);
    if (!t) {
      t = new ServerTrack(name, models, (model) => opts.fileBytes?.(name, model));
      tracks.set(name, t);
    }
    return t;
  };
  for (const s of opts.servers) track(s.name, s.models);

  let stopAt: number | undefined;
  let lastAt = 0;
  let startedAt: string | undefined;
  for (const e of events) {
    if (e.type === 'state' && e.state === 'stopping') stopAt = e.at;
    if (e.type === 'timing' && e.event.event === 'server_stop') stopAt = e.at;
    if (stopAt !== undefined) break;
    lastAt = Math.max(lastAt, e.at);
    if (e.type === 'spawned') track(e.server).spawned(e.at);
    else if (e.type === 'state') track(e.server).state(e.state, e.at, e.detail);
    else if (e.type === 'timing') {
      startedAt ??= e.event.ts;
      track(e.server).timing(e.event, e.at);
    }
  }
  const cut = stopAt ?? lastAt;
  for (const t of tracks.values()) t.close(cut, stopAt === undefined ? 'still under way at the last event' : 'stopped');

  const rows = [...tracks.values()].flatMap((t) => [t.row, ...[...t.models.values()].map((m) => m.row)]);
  const servers = rows.filter((r) => r.model === undefined);
  const allReady = servers.length > 0 && servers.every((s) => s.readyMs !== undefined);
  const coldStartMs = allReady ? Math.max(...servers.map((s) => s.readyMs!)) : null;
  const endMs = roundMs(coldStartMs === null ? cut : Math.min(cut, settledAfter(rows, coldStartMs)));
  return {
    budgetMs: opts.budgetMs,
    endMs,
    coldStartMs,
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(opts.note === undefined ? {} : { note: opts.note }),
    rows: rows.map((r) => clip(r, endMs)),
  };
}

/** The stack was ready at `readyMs`; what was already under way then (a model that is not required) may end later. */
function settledAfter(rows: Row[], readyMs: number): number {
  const ends = rows.flatMap((r) => r.segments.filter((s) => s.startMs < readyMs).map((s) => s.endMs));
  return Math.max(readyMs, ...ends);
}

/** Drops what happened after the end, cuts what crosses it, and orders segments by start. */
function clip(row: Row, endMs: number): Row {
  const segments = row.segments
    .filter((s) => s.startMs <= endMs && !(s.startMs === endMs && s.endMs > endMs))
    .map((s) => (s.endMs > endMs ? { ...s, endMs, cutOff: s.cutOff ?? 'after the end of the start-up' } : s))
    .sort((a, b) => a.startMs - b.startMs);
  return { ...row, segments, marks: row.marks.filter((m) => m.atMs <= endMs) };
}
