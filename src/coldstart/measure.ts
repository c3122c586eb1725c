// One cold start, measured: free ports → every server from scratch → ready (or the reason it was not) → stop → nothing
// left.
import type { Config } from '../../common/config/types.js';
import { ModelctlError, messageOf } from '../../common/errors.js';
import { descendantsOf } from './descendants.js';
import { evictFromCache } from '../models/page-cache.js';
import { assertPortsFree } from '../supervisor/ports.js';
import { waitUntilGone } from '../../common/processes.js';
import type { SupervisorEvent } from '../supervisor/events.js';
import { Supervisor } from '../supervisor/supervisor.js';

export interface ModelRun {
  name: string;
  loadMs?: number;
  attempts: number;
  state: string;
  readyMs?: number;
}
export interface ServerRun {
  name: string;
  readyMs?: number;
  state: string;
  models: ModelRun[];
}
export interface RunResult {
  ok: boolean;
  reason?: string;
  coldStartMs?: number;
  servers: ServerRun[];
}

export async function measureColdStart(
  config: Config,
  opts: { budgetMs: number; deadlineMs: number; dropCaches: boolean; onEvent?: (e: SupervisorEvent) => void },
): Promise<RunResult> {
  await assertPortsFree(config);
  if (opts.dropCaches)
    await evictFromCache(config.servers.flatMap((s) => s.models.flatMap((m) => (m.file ? [m.file] : []))));
  const sup = new Supervisor(config, { budgetMs: opts.budgetMs, deadlineMs: opts.deadlineMs });
  const pids = new Set<number>();
  // What the servers started themselves must be gone after the stop too, or the next run is not a cold start. Counted
  // on the first `stopping` (sent before any signal, also when a failed start stops the rest): once a server is gone,
  // its children are init's and no longer found as its descendants.
  let counted = false;
  const countDescendants = () => {
    counted = true;
    for (const s of sup.view.servers) for (const pid of s.pids) pids.add(pid);
    for (const pid of descendantsOf([...pids])) pids.add(pid);
  };
  sup.on('event', (e: SupervisorEvent) => {
    if (e.type === 'spawned' && e.pid) pids.add(e.pid);
    if (e.type === 'state' && e.state === 'stopping' && !counted) countDescendants();
    opts.onEvent?.(e);
  });
  let reason: string | undefined;
  try {
    await sup.up();
  } catch (err) {
    reason = err instanceof ModelctlError ? err.message : `internal error: ${messageOf(err)}`;
  }
  const servers: ServerRun[] = sup.view.servers.map((s) => ({
    name: s.name,
    readyMs: s.readyAt,
    state: s.state,
    models: s.models.map((m) => ({
      name: m.name,
      loadMs: m.loadMs,
      attempts: m.attempts,
      state: m.state,
      readyMs: m.readyAt,
    })),
  }));
  await sup.shutdown();
  const left = await waitUntilGone([...pids], config.graceMs + 1000);
  if (left.length > 0) reason = `${reason ? `${reason}; ` : ''}processes left running after stop: ${left.join(', ')}`;
  const readies = servers.map((s) => s.readyMs);
  const coldStartMs = readies.every((r) => r !== undefined) ? Math.max(...(readies as number[])) : undefined;
  return { ok: reason === undefined, reason, coldStartMs, servers };
}
