// A model as the supervisor's events tell it: its state exactly as the server's timing event carries it (the server's
// state machine is the only writer; nothing here works a state out from an event's name), and the figures beside it.
import type { ModelState } from '../../../common/model-state.js';
import type { TimingEvent } from '../../../common/timing/events.js';

/** One model in the view: state, attempts, the last load's time, and the current load's progress or last error. */
export interface ModelView {
  name: string;
  state: ModelState;
  attempts: number;
  loadMs?: number;
  /** Milliseconds since the stack started when it was last ready. */
  readyAt?: number;
  error?: string;
  /** The current attempt's progress, from `load_progress` (bytes per second in `rate`). */
  progress?: { fraction: number; bytes: number; total: number; rate?: number };
}

/** The figures an event brings besides the state: attempts, progress, load time, readiness and the last error. */
function figuresOf(m: ModelView, e: TimingEvent, at: number): Partial<ModelView> {
  switch (e.event) {
    case 'load_start':
      return { attempts: e.attempt ?? m.attempts + 1, progress: undefined };
    case 'load_progress':
      return { progress: { fraction: e.fraction ?? 0, bytes: e.bytes ?? 0, total: e.total ?? 0, rate: e.rate } };
    case 'load_end':
      return { loadMs: e.ms };
    case 'load_failed':
    case 'failed':
    case 'swap_failed':
      return { error: e.error };
    case 'quarantined':
      return { attempts: e.attempt ?? m.attempts, error: e.error };
    case 'ready':
      return { readyAt: at, error: undefined };
    case 'released':
      return { error: undefined };
    default:
      return {};
  }
}

/** Folds one timing event (`at` ms since the stack started) into a server's models; a model removed is forgotten. */
export function foldModels(models: readonly ModelView[], e: TimingEvent, at: number): ModelView[] {
  if (!e.model) return [...models];
  if (e.event === 'removed') return models.filter((m) => m.name !== e.model);
  const before = models.find((m) => m.name === e.model);
  const m = before ?? { name: e.model, state: 'queued' as const, attempts: 0 };
  const after: ModelView = { ...m, ...(e.state ? { state: e.state } : {}), ...figuresOf(m, e, at) };
  return before ? models.map((x) => (x === before ? after : x)) : [...models, after];
}
