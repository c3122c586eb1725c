// The stack as its events tell it: one pure fold of the supervisor's events, `(view, event) → view`. The live view, the
// state file, the summary and the budget message all read such a view; none of them looks inside the supervisor.
import type { Config } from '../../../common/config/types.js';
import type { SupervisorEvent } from '../events.js';
import type { ServerState } from '../states.js';
import { foldModels, type ModelView } from './model-view.js';

/** One server in the view. */
export interface ServerView {
  name: string;
  kind: string;
  host: string;
  port: number;
  state: ServerState;
  /** Every restart, after a crash, a hang or a start-up crash. */
  restarts: number;
  /** Milliseconds since the stack started when it was last ready after a start. */
  readyAt?: number;
  /** Milliseconds since the stack started when it last answered its watchdog. */
  lastAnswerAt?: number;
  /** Every process it owns now: its own, and a foreign command under the guard. */
  pids: number[];
  models: ModelView[];
}

/** The whole stack in the view. */
export interface StackView {
  /** The config version that runs: the one the stack started with, or the last one a reload applied in full. */
  version: string;
  servers: ServerView[];
}

const serverOf = (name: string, at: Partial<ServerView> = {}): ServerView => ({
  name,
  kind: '',
  host: '',
  port: 0,
  state: 'pending',
  restarts: 0,
  pids: [],
  models: [],
  ...at,
});

/** The view before the first event: every server of the config, pending. */
export function initialView(config: Config): StackView {
  return {
    version: config.version,
    servers: config.servers.map((s) => serverOf(s.name, { kind: s.kind, host: s.host, port: s.port })),
  };
}

/** What one event does to its server. */
function foldServer(s: ServerView, e: SupervisorEvent): ServerView {
  switch (e.type) {
    case 'configured':
      return { ...s, kind: e.kind, host: e.host, port: e.port };
    case 'spawned':
      return { ...s, pids: e.pid === undefined ? [] : [e.pid], models: [] };
    case 'child':
      return { ...s, pids: [...s.pids, e.pid] };
    case 'state':
      return { ...s, state: e.state, ...(e.state === 'ready' && s.state === 'starting' ? { readyAt: e.at } : {}) };
    case 'restart':
      return { ...s, restarts: e.attempt };
    case 'answered':
      return { ...s, lastAnswerAt: e.at };
    case 'timing':
      return { ...s, models: foldModels(s.models, e.event, e.at) };
    default:
      return s;
  }
}

const JOINS = new Set<SupervisorEvent['type']>(['configured', 'spawned', 'state']);

/** Folds one event into the view; the view given is not changed. */
export function foldStack(view: StackView, e: SupervisorEvent): StackView {
  if (e.type === 'reloaded') return e.ok ? { ...view, version: e.version } : view;
  if (e.type === 'dropped') return { ...view, servers: view.servers.filter((s) => s.name !== e.server) };
  if (!('server' in e)) return view;
  const known = view.servers.some((s) => s.name === e.server);
  // A server the view has not met joins it when it is configured, spawned or moves (a view that began late); any other
  // event of an unknown server, such as the end of a reload's step that dropped it, changes nothing.
  if (!known && !JOINS.has(e.type)) return view;
  const servers = known ? view.servers : [...view.servers, serverOf(e.server)];
  return { ...view, servers: servers.map((s) => (s.name === e.server ? foldServer(s, e) : s)) };
}

/** A view folded from a list of events, from `start`. */
export const foldAll = (start: StackView, events: readonly SupervisorEvent[]): StackView =>
  events.reduce(foldStack, start);
