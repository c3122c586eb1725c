// What the supervisor tells the world: one event stream that the live view, the plain log, --json and the state file
// all read.
import type { TimingEvent } from '../../common/timing/events.js';
import type { ModelState } from '../../common/protocol.js';
import type { ReloadPlan, ServerAction } from '../reload/plan.js';
import type { ServerState } from './states.js';

/** `at` is milliseconds since the supervisor started the stack. */
export type SupervisorEvent =
  | { type: 'spawned'; server: string; pid: number | undefined; at: number }
  | { type: 'state'; server: string; state: ServerState; at: number; detail?: string }
  | { type: 'timing'; server: string; event: TimingEvent; at: number }
  | { type: 'output'; server: string; stream: 'stdout' | 'stderr'; line: string; at: number }
  | { type: 'restart'; server: string; attempt: number; delayMs: number; at: number; reason: string }
  /** The watchdog's check of a ready server went unanswered (`misses` in a row). */
  | { type: 'missed'; server: string; misses: number; silentMs: number; at: number }
  | { type: 'stack-ready'; at: number; summary: SummaryRow[] }
  /** With `--wait serving`: a server that was serving has now loaded every model. */
  | { type: 'loaded'; server: string; at: number }
  /** `modelctl reload` or SIGHUP: what will change (nothing yet). */
  | { type: 'reload-plan'; at: number; plan: ReloadPlan; dryRun: boolean }
  /** One server's part of a reload began, or ended (`ok`, `error`). */
  | ReloadStepEvent
  /** The reload is over: `ok` when every step was; `exitCode` 2 for a config that is not valid (nothing changed). */
  | { type: 'reloaded'; at: number; ok: boolean; version: string; ms: number; exitCode: number; error?: string };

export interface ReloadStepEvent {
  type: 'reload-step';
  server: string;
  action: ServerAction;
  phase: 'start' | 'done';
  at: number;
  ok?: boolean;
  error?: string;
  ms?: number;
}

/** A model as the supervisor sees it, rebuilt from the server's timing events. */
export interface ModelView {
  name: string;
  state: ModelState;
  attempts: number;
  loadMs?: number;
  readyAt?: number;
  error?: string;
  /** The current attempt's progress, from `load_progress` (bytes per second in `rate`). */
  progress?: { fraction: number; bytes: number; total: number; rate?: number };
}

export interface SummaryRow {
  server: string;
  model?: string;
  loadMs?: number;
  attempts?: number;
  state?: string;
  /** Milliseconds since start when the model (or the server, for a row without model) was ready. */
  readyAt?: number;
}

/** Folds one timing event into the model views of a server. */
export function applyTiming(models: Map<string, ModelView>, e: TimingEvent, at: number): void {
  if (!e.model) return;
  if (e.event === 'removed') {
    models.delete(e.model);
    return;
  }
  const m = models.get(e.model) ?? { name: e.model, state: 'queued' as ModelState, attempts: 0 };
  models.set(e.model, m);
  // While a new copy loads beside the old one, the model serves: it stays `swapping` until the new copy lands.
  const unlessSwapping = (state: ModelState) => (m.state === 'swapping' ? 'swapping' : state);
  switch (e.event) {
    case 'load_start':
      m.state = unlessSwapping('loading');
      m.attempts = e.attempt ?? m.attempts + 1;
      m.progress = undefined;
      break;
    case 'memory_wait':
      m.state = unlessSwapping('waiting');
      break;
    case 'admitted':
      m.state = unlessSwapping('loading');
      break;
    case 'swap_start':
      m.state = e.detail === 'side-by-side' ? 'swapping' : 'queued';
      break;
    case 'swap_failed':
      m.state = 'ready';
      m.error = e.error;
      break;
    case 'unload_start':
      // The old copy of a swap goes unseen: the model is its new copy.
      if (e.detail !== 'replaced') m.state = 'unloading';
      break;
    case 'unload_end':
      if (e.detail !== 'replaced') m.state = 'unloaded';
      break;
    case 'load_progress':
      m.progress = { fraction: e.fraction ?? 0, bytes: e.bytes ?? 0, total: e.total ?? 0, rate: e.rate };
      break;
    case 'load_end':
      m.loadMs = e.ms;
      break;
    case 'load_failed':
      m.error = e.error;
      break;
    case 'retry':
      m.state = unlessSwapping('retrying');
      break;
    case 'ready':
      m.state = 'ready';
      m.readyAt = at;
      m.error = undefined;
      break;
    case 'failed':
      m.state = 'failed';
      m.error = e.error;
      break;
    case 'quarantined':
      m.state = 'quarantined';
      m.attempts = e.attempt ?? m.attempts;
      m.error = e.error;
      break;
    case 'released':
      m.state = 'queued';
      m.error = undefined;
      break;
    default:
      break;
  }
}
