// Stopping: one server's process (SIGTERM, SIGKILL after the grace period), or every server when the stack stops.
import { forgetInflight } from '../../common/crash-journal.js';
import type { ManagedServer, SupervisorCore } from './core.js';

/**
 * SIGTERM, SIGKILL after the grace period. A process we stopped that was killed with a load or request still in
 * native code did not crash because of it: its journal is emptied (one that had exited by itself keeps its own).
 */
export async function stopProcess(core: SupervisorCore, s: ManagedServer): Promise<void> {
  const proc = s.proc;
  if (!proc) return;
  const running = proc.exitInfo === undefined;
  await proc.stop(core.opts.graceMs ?? core.running.graceMs);
  if (running && proc.pid !== undefined) forgetInflight(core.running.stateDir, s.config.name, proc.pid);
}

/** Every server, at once: the watch ends, then stopping → stopped (a server stopped already is left as it is). */
export async function stopEveryServer(core: SupervisorCore): Promise<void> {
  await Promise.all(
    core.servers.map(async (s) => {
      core.unwatch(s);
      if (s.state === 'stopped') return;
      if (s.state !== 'stopping') core.setState(s, 'stopping');
      await stopProcess(core, s);
      core.setState(s, 'stopped');
    }),
  );
}
