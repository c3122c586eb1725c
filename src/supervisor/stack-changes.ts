// The changes a reload makes to a running stack, one server at a time (src/reload/apply.ts decides which): apply a
// server's new section in place, restart it alone with new settings, add a server, drop one. The others are not
// touched.
import type { ServerConfig } from '../../common/config/types.js';
import type { ReloadOutcome } from '../../common/protocol.js';
import type { ManagedServer, SupervisorCore } from './core.js';
import { stopProcess } from './shutdown.js';

/** Where `s` runs from now on: said before it starts, so the view (and the state file) has its new address. */
const configured = (core: SupervisorCore, s: ServerConfig) =>
  core.send({ type: 'configured', server: s.name, kind: s.kind, host: s.host, port: s.port, at: core.now() });

/** Asks a running server of ours to apply its section of the config file (`version`): it serves throughout. */
export async function reloadModels(
  core: SupervisorCore,
  s: ManagedServer,
  next: ServerConfig,
  version: string,
): Promise<ReloadOutcome> {
  core.setState(s, 'reloading');
  const outcome = await s.proc!.reload(version);
  if (outcome.ok) s.config = next;
  const detail = outcome.ok ? `config ${version} applied` : `config ${version} not all applied: ${outcome.error}`;
  if (s.state === 'reloading') core.setState(s, 'ready', detail);
  return outcome;
}

/**
 * Stops a server and starts it again with `next` (its process settings changed), alone. Throws why it is not ready
 * again.
 */
export async function restartWith(
  core: SupervisorCore,
  s: ManagedServer,
  next: ServerConfig,
  reason: string,
): Promise<void> {
  core.unwatch(s);
  core.setState(s, 'restarting', reason);
  await stopProcess(core, s);
  s.config = next;
  configured(core, next);
  await core.startSupervised(s);
}

/** A server new in the config: started and supervised like the others. Throws why it is not ready. */
export async function addServer(core: SupervisorCore, next: ServerConfig): Promise<void> {
  const s: ManagedServer = { config: next, state: 'pending', restarts: 0 };
  core.servers.push(s);
  configured(core, next);
  await core.startSupervised(s);
}

/** A server gone from the config: stopped, then no longer part of the stack. */
export async function dropServer(core: SupervisorCore, s: ManagedServer): Promise<void> {
  core.unwatch(s);
  core.setState(s, 'stopping');
  await stopProcess(core, s);
  core.setState(s, 'stopped');
  core.servers.splice(core.servers.indexOf(s), 1);
  core.send({ type: 'dropped', server: s.config.name, at: core.now() });
}
