// What the supervisor tells the world: one event stream that the live view, the plain log, --json, the state file and
// a reload's caller all read (the view they draw from is folded from it: view/stack-view.ts).
import type { ModelDiff } from '../../common/config/diff.js';
import type { TimingEvent } from '../../common/timing/events.js';
import type { ServerState } from './states.js';

/** `at` is milliseconds since the supervisor started the stack. */
export type SupervisorEvent =
  | { type: 'spawned'; server: string; pid: number | undefined; at: number }
  /** The guard of a foreign server started its command: one more process the server owns. */
  | { type: 'child'; server: string; pid: number; at: number }
  /** Where a server runs from now on: one new in the config, or one a reload restarted with new settings. */
  | { type: 'configured'; server: string; kind: string; host: string; port: number; at: number }
  /** A server gone from the config, stopped: no longer part of the stack. */
  | { type: 'dropped'; server: string; at: number }
  | { type: 'state'; server: string; state: ServerState; at: number; detail?: string }
  | { type: 'timing'; server: string; event: TimingEvent; at: number }
  | { type: 'output'; server: string; stream: 'stdout' | 'stderr'; line: string; at: number }
  | { type: 'restart'; server: string; attempt: number; delayMs: number; at: number; reason: string }
  /** The watchdog's check of a ready server was answered (its ready counts as the first answer). */
  | { type: 'answered'; server: string; at: number }
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

/**
 * A heartbeat: it keeps the view's last answer current, but is no news. One per server per liveness period (5 s by
 * default) would flood `--json` and a reload's caller, so they leave it out.
 */
export const isHeartbeat = (e: SupervisorEvent): boolean => e.type === 'answered';

/** A reload's step for one server, as it begins and ends. */
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

/** One row of the summary `up` prints when the stack is ready (a model, or a server that has none). */
export interface SummaryRow {
  server: string;
  model?: string;
  loadMs?: number;
  attempts?: number;
  state?: string;
  /** Milliseconds since start when the model (or the server, for a row without model) was ready. */
  readyAt?: number;
}

// The reload plan's shape is declared here, with the event that carries it, so the stream needs nothing from the
// reload code that drives the supervisor (src/reload/reload-plan.ts works the plan out).

/** What a reload does to one server. */
export type ServerAction = 'unchanged' | 'update' | 'restart' | 'start' | 'stop';

/** One server's part of a reload plan. */
export interface ServerStep {
  server: string;
  action: ServerAction;
  /** Why: the process settings that changed (restart), supervision settings (update), new or gone (start, stop). */
  reasons: string[];
  /** For `update` of a built-in server: what happens to its models. */
  models: ModelDiff;
}

/** What `modelctl reload` will do, per server, and the stack settings it takes in place. */
export interface ReloadPlan {
  file: string;
  from: string;
  to: string;
  /** Stack settings that changed: taken in place (grace, budget) or needing nothing here (deploy). */
  stack: string[];
  servers: ServerStep[];
}
