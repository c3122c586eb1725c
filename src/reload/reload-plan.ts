// What `modelctl reload` will do, worked out once from the running config and the new one: per server, nothing, an
// update in place (models added, removed, swapped, updated; supervision settings), a restart of that server alone
// (its process settings changed), or a server started or stopped; and the stack settings taken in place.
import {
  diffModels,
  emptyModelDiff,
  inPlaceChanges,
  isEmptyModelDiff,
  processChanges,
  sameValue,
} from '../../common/config/diff.js';
import { isBuiltin, type Config, type ServerConfig } from '../../common/config/types.js';
import type { ReloadPlan, ServerAction, ServerStep } from '../supervisor/events.js';

/** A server that cannot take changes in place (it failed, or is not running) is restarted with them. */
export type Running = (server: string) => boolean;

function stepFor(before: ServerConfig, after: ServerConfig, running: Running): ServerStep {
  const step = (action: ServerAction, reasons: string[] = [], models = emptyModelDiff()): ServerStep => ({
    server: after.name,
    action,
    reasons,
    models,
  });
  const process = processChanges(before, after);
  if (process.length > 0) return step('restart', process);
  // A foreign server's models are for `pull`; its command decides what it loads.
  const models = isBuiltin(after) ? diffModels(before.models, after.models) : emptyModelDiff();
  const inPlace = inPlaceChanges(before, after);
  if (isEmptyModelDiff(models) && inPlace.length === 0) return step('unchanged');
  if (!isEmptyModelDiff(models) && !running(after.name)) return step('restart', ['it is not running as it should']);
  return step('update', inPlace, models);
}

function stackChanges(before: Config, after: Config): string[] {
  const changes: string[] = [];
  if (before.graceMs !== after.graceMs) changes.push(`grace ${before.graceMs} ms → ${after.graceMs} ms (from now)`);
  if (before.budgetMs !== after.budgetMs)
    changes.push(`budget ${before.budgetMs} ms → ${after.budgetMs} ms (from the next \`up\`)`);
  if (!sameValue(before.deploy, after.deploy)) changes.push('deploy changed (used by `modelctl export` only)');
  return changes;
}

/** The plan, servers in the new config's order, then the ones it no longer has. */
export function planReload(before: Config, after: Config, running: Running = () => true): ReloadPlan {
  const old = new Map(before.servers.map((s) => [s.name, s]));
  const servers = after.servers.map((s) => {
    const was = old.get(s.name);
    return was ? stepFor(was, s, running) : { server: s.name, action: 'start' as const, reasons: ['new server'] };
  });
  const gone = before.servers.filter((s) => !after.servers.some((a) => a.name === s.name));
  return {
    file: after.file,
    from: before.version,
    to: after.version,
    stack: stackChanges(before, after),
    servers: [
      ...servers.map((s) => ({ models: emptyModelDiff(), ...s })),
      ...gone.map((s) => ({
        server: s.name,
        action: 'stop' as const,
        reasons: ['no longer in the config'],
        models: emptyModelDiff(),
      })),
    ],
  };
}
