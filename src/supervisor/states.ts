// A server's lifecycle under the supervisor, one explicit table of allowed moves (after llama-swap's process states).

/**
 * `hung`: ready once, now not answering its watchdog; it is about to be killed. `reloading`: serving while it applies
 * its part of a new config (models added, removed, swapped). A reload that changes its process settings restarts it
 * (`restarting`), from `ready`, or from `failed`: a new config is a way back.
 */
export type ServerState =
  'pending' | 'starting' | 'ready' | 'reloading' | 'hung' | 'restarting' | 'failed' | 'stopping' | 'stopped';

const ALLOWED: Record<ServerState, readonly ServerState[]> = {
  pending: ['starting', 'stopping', 'stopped'],
  starting: ['ready', 'restarting', 'failed', 'stopping'],
  ready: ['hung', 'reloading', 'restarting', 'failed', 'stopping'],
  reloading: ['ready', 'hung', 'restarting', 'failed', 'stopping'],
  hung: ['restarting', 'failed', 'stopping'],
  restarting: ['starting', 'failed', 'stopping'],
  failed: ['restarting', 'stopping', 'stopped'],
  stopping: ['stopped'],
  stopped: [],
};

export function canMove(from: ServerState, to: ServerState): boolean {
  return ALLOWED[from].includes(to);
}

/** Returns `to`, or throws: a move the table does not allow is a bug, never a silent overwrite. */
export function move(server: string, from: ServerState, to: ServerState): ServerState {
  if (!canMove(from, to)) throw new Error(`server ${server}: ${from} → ${to} is not allowed`);
  return to;
}
