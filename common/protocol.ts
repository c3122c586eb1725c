// What the supervisor and our servers (or the guard of a foreign one) say to each other, in one place both import: the
// IPC messages, the /health body, the model and server state names, and where each built-in server's entry script lives
// in the build.
import { fileURLToPath } from 'node:url';
import type { ModelState } from './model-state.js';
import type { TimingEvent } from './timing/events.js';

/** The built-in server kinds; each has an entry script at `servers/<kind>/main.js` in the build. */
export const BUILTIN_KINDS = ['llm', 'asr-ocr'] as const;
export type BuiltinKind = (typeof BUILTIN_KINDS)[number];

export function isBuiltinKind(kind: string): kind is BuiltinKind {
  return (BUILTIN_KINDS as readonly string[]).includes(kind);
}

export { MODEL_STATES, type ModelState } from './model-state.js';

/**
 * A server's status, derived from its models: what `/health` says. `degraded`: every required model is ready or
 * quarantined, at least one quarantined; the server serves the others.
 */
export type ServerStatus = 'loading' | 'serving' | 'ok' | 'degraded' | 'failed';

/** Statuses in which `/health` answers 200: the server is as ready as it will get. */
export const HEALTHY: readonly ServerStatus[] = ['ok', 'degraded'];

/** One model as `/health` and `/v1/models/{name}/ready` report it. */
export interface ModelStatusBody {
  name: string;
  state: ModelState;
  loadMs: number | null;
  attempts: number;
  /** Requests cancelled with 504 past `requestTimeout`. */
  timeouts: number;
  priority: number;
  required: boolean;
  warm: boolean;
  error: string | null;
}

/** The body of `GET /health`. */
export interface HealthBody {
  status: ServerStatus;
  server: string;
  models: ModelStatusBody[];
}

/** What a server did when it applied its section of a new config (`POST /admin/reload`, or the supervisor's ask). */
export interface ReloadOutcome {
  ok: boolean;
  /** The config version the server read. */
  version: string;
  /** Per model: `added`, `removed`, `swapped`, `updated`, or why it did not happen. */
  models: { name: string; action: string; ok: boolean; error?: string }[];
  /** Why the reload did not happen at all (bad config, process settings changed, another reload under way). */
  error?: string;
  ms: number;
}

/** Server → supervisor over IPC (like systemd's READY=1): every timing event, serving, then ready or failed. */
export type ServerMessage =
  | { type: 'timing'; event: TimingEvent }
  | { type: 'serving'; ms: number }
  | { type: 'ready'; ms: number; quarantined: string[] }
  | { type: 'failed'; error: string }
  /** The answer to a ping: `healthy` is false when every model failed its deep liveness check. */
  | { type: 'pong'; id: number; healthy: boolean }
  /** The answer to `reload`. */
  | { type: 'reloaded'; id: number; outcome: ReloadOutcome };

/**
 * Guard → supervisor over IPC: the guard (src/supervisor/guard.ts) started a foreign server's command as `pid`, a
 * process the supervisor must stop with it.
 */
export type GuardMessage = { type: 'child'; pid: number };

/** What the supervisor hears from a child it started: one of our servers, or the guard of a foreign one. */
export type ChildMessage = ServerMessage | GuardMessage;

/**
 * Supervisor → server over IPC: the watchdog's heartbeat (a server whose event loop is blocked cannot answer), and
 * "apply your section of the config file again", naming the version the supervisor planned with.
 */
export type SupervisorMessage = { type: 'ping'; id: number } | { type: 'reload'; id: number; version: string };

/** One model's answer to `POST /admin/warmup`. */
export interface WarmupResult {
  name: string;
  warmed: boolean;
  skipped: boolean;
  ms: number | null;
  error: string | null;
}

/** A built-in server's entry script, relative to the build folder (`dist/`). */
export function serverEntry(kind: BuiltinKind): string {
  return `servers/${kind}/main.js`;
}

/** The arguments every built-in server takes: which config file, and which of its servers to be. */
export function serverArgs(configFile: string, server: string): string[] {
  return ['--config', configFile, '--server', server];
}

/** The entry script's absolute path in this installation. */
export function serverEntryPath(kind: BuiltinKind): string {
  return fileURLToPath(new URL(`../${serverEntry(kind)}`, import.meta.url));
}
