// Push signals to a supervising parent over IPC (like systemd's READY=1): every timing event, serving (first-priority
// models ready), then ready or failed.
import type { TimingEvent } from '../../src/timing/events.js';

export type ServerMessage =
  | { type: 'timing'; event: TimingEvent }
  | { type: 'serving'; ms: number }
  | { type: 'ready'; ms: number }
  | { type: 'failed'; error: string };

/** Sends when a parent listens; a server started by hand has no channel and sends nothing. */
export function signalParent(message: ServerMessage): void {
  if (process.send && process.connected) process.send(message);
}

/** A server whose parent is gone must not live on as an orphan: exit when the IPC channel closes. */
export function exitWhenParentGoes(stop: () => Promise<void>): void {
  if (process.send) process.once('disconnect', () => void stop());
}
