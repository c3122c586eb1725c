// The timing log's one event schema: servers write it, the supervisor and `modelctl logs` read it.
import type { ModelState } from '../model-state.js';

export const MODEL_EVENTS = [
  'memory_wait',
  'admitted',
  'load_start',
  'load_progress',
  'load_end',
  'warmup_start',
  'warmup_end',
  'verify_start',
  'verify_end',
  'load_failed',
  'retry',
  'ready',
  'failed',
  'crashed',
  'quarantined',
  'released',
  'unhealthy',
  'healthy',
  'swap_start',
  'swap_end',
  'swap_failed',
  'unload_start',
  'unload_end',
  'removed',
] as const;
export const SERVER_EVENTS = [
  'server_start',
  'listening',
  'runtime_ready',
  'server_ready',
  'server_failed',
  'server_stop',
  'reload_start',
  'reload_end',
] as const;
export type TimingEventName = (typeof MODEL_EVENTS)[number] | (typeof SERVER_EVENTS)[number];

/**
 * One line of the timing log. `ms` is the attempt's duration for load_end/load_failed, the delay for retry, and time
 * since process start otherwise.
 */
export interface TimingEvent {
  ts: string;
  server: string;
  model?: string;
  event: TimingEventName;
  /**
   * The model's state once this event happened, on every event that comes with a move of its state machine
   * (servers/core/model-states.ts): readers copy it, never work it out from the event's name.
   */
  state?: ModelState;
  attempt?: number;
  ms?: number;
  error?: string;
  file?: string;
  /** load_progress: bytes loaded of `total`, the fraction done and the rate over the last second (bytes/s). */
  bytes?: number;
  total?: number;
  fraction?: number;
  rate?: number;
  /** memory_wait / admitted / failed for memory: what the model needs and what is free, in bytes. */
  needs?: number;
  free?: number;
  /**
   * swap_start: `side-by-side` (the old copy serves meanwhile) or `unload-first` (two copies do not fit); unload_*:
   * why, `replaced`, `removed` or `unloaded` (on request); reload_*: what changes.
   */
  detail?: string;
  /** unload_start: requests in flight to wait for; unload_end: those cancelled at the drain timeout. */
  requests?: number;
  /** reload_*: the config version applied. */
  version?: string;
}

export type TimingEventInput = Omit<TimingEvent, 'ts' | 'server'>;

const UNLOAD_WHY: Record<string, string> = {
  replaced: 'old copy',
  removed: 'removed from the config',
  unloaded: 'on request',
};
const inFlight = (n: number | undefined) => (n ? `, waiting for ${n} request${n === 1 ? '' : 's'} in flight` : '');
const cancelled = (n: number | undefined) => (n ? `; ${n} request${n === 1 ? '' : 's'} cancelled at the timeout` : '');

const percent = (fraction: number | undefined) => `${Math.floor((fraction ?? 0) * 100)}%`;
const mib = (bytes: number | undefined) => (bytes === undefined ? '?' : `${Math.round(bytes / 2 ** 20)} MiB`);

/** The plain-words line for people: `chat ready in 212 ms (attempt 1)`. */
export function describeEvent(e: TimingEvent): string {
  const ms = e.ms === undefined ? '' : `${Math.round(e.ms)} ms`;
  const attempt = e.attempt === undefined ? '' : ` (attempt ${e.attempt})`;
  switch (e.event) {
    case 'memory_wait':
      return `${e.model} waiting for memory: needs ${mib(e.needs)}, ${mib(e.free)} free`;
    case 'admitted':
      return `${e.model} admitted: needs ${mib(e.needs)}, ${mib(e.free)} free`;
    case 'load_start':
      return `${e.model} loading${attempt}`;
    case 'load_progress':
      return `${e.model} ${percent(e.fraction)} (${mib(e.bytes)} of ${mib(e.total)}, ${mib(e.rate)}/s)`;
    case 'load_end':
      return `${e.model} loaded in ${ms}${attempt}`;
    case 'warmup_start':
      return `${e.model} warming up${attempt}`;
    case 'warmup_end':
      return `${e.model} warmed up in ${ms}${attempt}`;
    case 'load_failed':
      return `${e.model} failed to load after ${ms}${attempt}: ${e.error}`;
    case 'retry':
      return `${e.model} retrying in ${ms}`;
    case 'ready':
      // After a reload, the time since the server started says nothing; load_end and swap_end carry the figures.
      return e.detail === 'reload' ? `${e.model} ready${attempt}` : `${e.model} ready in ${ms}${attempt}`;
    case 'verify_start':
      return `${e.model} first-sight check: one inference${attempt}`;
    case 'verify_end':
      return `${e.model} first-sight check passed in ${ms}${attempt}`;
    case 'failed':
      return `${e.model} failed for good after ${e.attempt} attempts: ${e.error}`;
    case 'crashed':
      return `${e.error}; ${e.attempt === undefined ? 'its requests run alone for now' : 'it loads again, alone'}`;
    case 'quarantined':
      return `${e.model} is not loaded (${e.attempt} attempts): ${e.error}`;
    case 'released':
      return `${e.model} released from quarantine`;
    case 'unhealthy':
      return `${e.model} unhealthy: ${e.error}`;
    case 'healthy':
      return `${e.model} passed its inference check again`;
    case 'swap_start':
      return e.detail === 'unload-first'
        ? `${e.model} reloading: two copies do not fit (needs ${mib(e.needs)}, ${mib(e.free)} free), so the old one ` +
            'goes first; requests get 503 until the new one is ready'
        : `${e.model} reloading: the old copy serves until the new one is ready`;
    case 'swap_end':
      return `${e.model} swapped in ${ms}: the new copy serves`;
    case 'swap_failed':
      return `${e.model} kept its old copy: ${e.error}`;
    case 'unload_start':
      return `${e.model} unloading (${UNLOAD_WHY[e.detail ?? ''] ?? e.detail})${inFlight(e.requests)}`;
    case 'unload_end':
      return `${e.model} ${e.detail === 'replaced' ? 'old copy ' : ''}unloaded in ${ms}${cancelled(e.requests)}`;
    case 'removed':
      return `${e.model} removed`;
    case 'reload_start':
      return `${e.server} applying config ${e.version}: ${e.detail}`;
    case 'reload_end':
      return e.error
        ? `${e.server} config ${e.version} applied in ${ms}, with problems: ${e.error}`
        : `${e.server} config ${e.version} applied in ${ms}`;
    case 'server_start':
      return `${e.server} starting`;
    case 'listening':
      return `${e.server} listening at ${e.file} after ${ms}`;
    case 'runtime_ready':
      return `${e.server} runtime ready after ${ms}`;
    case 'server_ready':
      return `${e.server} ready: cold start ${ms}`;
    case 'server_failed':
      return `${e.server} failed: ${e.error}`;
    case 'server_stop':
      return `${e.server} stopping`;
  }
}
