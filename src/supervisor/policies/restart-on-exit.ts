// Restart on exit: a server that was ready and then exits (or that the watchdog killed as hung) is started again after
// a growing wait, up to `restart.max` times; then it is failed. The count and the back-off live here, and only here.
import type { RestartPolicy } from '../../../common/config/types.js';
import type { ManagedServer, SupervisorCore } from '../core.js';
import { attributeCrash, exitReason } from '../crash.js';
import type { ExitInfo, ServerProcess } from '../server-process.js';
import type { SupervisionPolicy } from './policy.js';

/** The longest wait before a restart, however many came before. */
export const MAX_BACKOFF_MS = 30_000;

/** The wait before restart number `attempt` (1-based), or undefined when the policy allows no more. */
export function restartDelay(p: RestartPolicy, attempt: number): number | undefined {
  if (p.policy === 'off' || attempt > p.max) return undefined;
  return Math.min(MAX_BACKOFF_MS, p.backoffMs * 2 ** (attempt - 1));
}

/**
 * Why a supervised process's exit calls for a restart: a crash of a ready (or reloading) server, with the models its
 * journal pins it on, or the watchdog's kill of a hung one; undefined for an exit the supervisor caused otherwise.
 */
function whyRestart(core: SupervisorCore, s: ManagedServer, proc: ServerProcess, exit: ExitInfo): string | undefined {
  if (s.state === 'hung') return proc.killedFor && `${proc.killedFor}; killed`;
  if (s.state !== 'ready' && s.state !== 'reloading') return undefined;
  return attributeCrash(core.running, s.config, proc, exit)?.reason ?? exitReason(exit);
}

export function restartOnExit(core: SupervisorCore): SupervisionPolicy {
  /** The restarts each server used of its `restart.max` (a reload's restart keeps the count; a new server has none). */
  const used = new WeakMap<ManagedServer, number>();

  const restart = async (s: ManagedServer, reason: string): Promise<void> => {
    const { restart: policy } = s.config;
    const attempt = (used.get(s) ?? 0) + 1;
    const delayMs = restartDelay(policy, attempt);
    if (delayMs === undefined) {
      core.setState(s, 'failed', `${reason}; restart policy ${policy.policy}, ${attempt - 1} restart(s) used`);
      return;
    }
    s.restarts += 1;
    used.set(s, attempt);
    const restarted = `${reason} and restarted (${attempt}/${policy.max})`;
    core.setState(s, 'restarting', restarted);
    const at = core.now();
    core.send({ type: 'restart', server: s.config.name, attempt: s.restarts, delayMs, at, reason: restarted });
    await new Promise((r) => setTimeout(r, delayMs));
    if (core.stopping) return;
    // Not ready again: startSupervised has marked it failed and stopped it; nothing more to do here.
    await core.startSupervised(s).catch(() => {});
  };

  return {
    // `exited`, not the 'exit' event: it settles for a process that is gone already.
    supervise(s, proc) {
      void proc.exited.then((exit) => {
        if (core.stopping || s.proc !== proc) return;
        const reason = whyRestart(core, s, proc, exit);
        if (reason) void restart(s, reason);
      });
    },
  };
}
