// The timing logs as the supervisor would have told them: each server's latest run (its events from the last
// `server_start` on), aligned by wall clock, becomes `spawned`, `timing` and `state` events with `at` since the stack
// started, so `modelctl timeline` draws logs with the same code as `coldstart-test --html` draws a live run.
import type { TimingEvent } from '../../../common/timing/events.js';
import type { SupervisorEvent } from '../../supervisor/events.js';

export interface LoggedRun {
  server: string;
  /** Wall clock of the process start, in ms since the epoch: `server_start`'s `ts` less its `ms`. */
  startedAt: number;
  events: TimingEvent[];
}

/**
 * Each server's latest run: its start-up, up to its first reload (a reload is not a start-up; `modelctl logs` shows
 * it). A log whose run has no `server_start` counts from its first event.
 */
export function latestRuns(events: TimingEvent[]): LoggedRun[] {
  const byServer = new Map<string, TimingEvent[]>();
  const reloaded = new Set<string>();
  for (const e of events) {
    const list = byServer.get(e.server) ?? [];
    if (e.event === 'server_start') {
      list.length = 0;
      reloaded.delete(e.server);
    }
    if (e.event === 'reload_start') reloaded.add(e.server);
    if (!reloaded.has(e.server)) list.push(e);
    byServer.set(e.server, list);
  }
  return [...byServer].map(([server, run]) => {
    const first = run[0]!;
    const sinceStart = first.event === 'server_start' ? (first.ms ?? 0) : 0;
    return { server, startedAt: Date.parse(first.ts) - sinceStart, events: run };
  });
}

/**
 * The runs that belong to the newest start-up (those that began within `windowMs` of the newest one) as supervisor
 * events, and the servers left out because their latest run is older.
 */
export function eventsOfLatestStartup(
  runs: LoggedRun[],
  windowMs: number,
): { events: SupervisorEvent[]; leftOut: string[] } {
  const newest = Math.max(...runs.map((r) => r.startedAt));
  const kept = runs.filter((r) => r.startedAt >= newest - windowMs);
  const stackStart = Math.min(...kept.map((r) => r.startedAt));
  const events = kept.flatMap((r) => [
    { type: 'spawned' as const, server: r.server, pid: undefined, at: r.startedAt - stackStart },
    ...r.events.flatMap((e) => asSupervisorEvents(e, Date.parse(e.ts) - stackStart)),
  ]);
  return {
    events: events
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.at - b.e.at || a.i - b.i)
      .map(({ e }) => e),
    leftOut: runs.filter((r) => !kept.includes(r)).map((r) => r.server),
  };
}

/** A server's own verdicts become the state changes the supervisor would have made of them. */
function asSupervisorEvents(e: TimingEvent, at: number): SupervisorEvent[] {
  const timing: SupervisorEvent = { type: 'timing', server: e.server, event: e, at };
  if (e.event === 'server_ready') return [timing, { type: 'state', server: e.server, state: 'ready', at }];
  if (e.event === 'server_failed')
    return [timing, { type: 'state', server: e.server, state: 'failed', at, detail: e.error }];
  return [timing];
}
