// Supervisor events as reporters receive them, built from short descriptions.
import type { TimingEvent, TimingEventName } from '../../common/timing/events.js';
import type { SupervisorEvent } from '../../src/supervisor/events.js';

const STACK_START = Date.parse('2026-01-02T03:04:05.000Z');
/** The wall clock `at` ms after the stack started, as a real server would have stamped an event then. */
export const wallClock = (at: number) => new Date(STACK_START + at).toISOString();

/** A timing event of `server` as the supervisor forwards it, `at` ms after the stack started. */
export function timing(
  server: string,
  event: TimingEventName,
  fields: Partial<TimingEvent> = {},
  at = 100,
): SupervisorEvent {
  return { type: 'timing', server, at, event: { ts: wallClock(at), server, event, ...fields } };
}

export const output = (server: string, line: string): SupervisorEvent => ({
  type: 'output',
  server,
  stream: 'stdout',
  line,
  at: 50,
});
