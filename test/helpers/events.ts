// Supervisor events as reporters receive them, built from short descriptions.
import type { TimingEvent, TimingEventName } from '../../common/timing/events.js';
import type { SupervisorEvent } from '../../src/supervisor/events.js';

/** A timing event of `server` as the supervisor forwards it, `at` ms after the stack started. */
export function timing(
  server: string,
  event: TimingEventName,
  fields: Partial<TimingEvent> = {},
  at = 100,
): SupervisorEvent {
  return { type: 'timing', server, at, event: { ts: '2026-01-01T00:00:00.000Z', server, event, ...fields } };
}

export const output = (server: string, line: string): SupervisorEvent => ({
  type: 'output',
  server,
  stream: 'stdout',
  line,
  at: 50,
});
