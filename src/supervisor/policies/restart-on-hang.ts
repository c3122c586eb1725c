// Restart on hang: a ready server is checked on a fixed cadence (watchdog.ts); one that stops answering is marked hung
// and killed, with why. Its exit then goes to the restart-on-exit policy, which restarts it within its count.
import { formatMs } from '../../format.js';
import type { ManagedServer, SupervisorCore } from '../core.js';
import { healthUrlOf, httpProbe } from '../readiness.js';
import type { ServerProcess } from '../server-process.js';
import { Watchdog } from '../watchdog.js';
import type { SupervisionPolicy } from './policy.js';

/** One check: IPC heartbeat for our servers, a 2xx from the health URL for foreign ones. */
function checkOf(core: SupervisorCore, s: ManagedServer, proc: ServerProcess): (timeoutMs: number) => Promise<boolean> {
  const url = healthUrlOf(s.config);
  if (!url) return (timeoutMs) => proc.ping(timeoutMs);
  const probe = core.opts.probe ?? httpProbe;
  return async (timeoutMs) => {
    const status = await probe(url, timeoutMs);
    return status !== undefined && status >= 200 && status < 300;
  };
}

export function restartOnHang(core: SupervisorCore): SupervisionPolicy {
  return {
    supervise(s, proc) {
      const liveness = s.config.liveness;
      if (!core.opts.watch || !liveness) return;
      const server = s.config.name;
      core.send({ type: 'answered', server, at: core.now() });
      const watchdog = new Watchdog(liveness, {
        check: checkOf(core, s, proc),
        onAnswer: () => core.send({ type: 'answered', server, at: core.now() }),
        onMiss: (misses, silentMs) => core.send({ type: 'missed', server, misses, silentMs, at: core.now() }),
        onHung: (silentMs) => {
          if ((s.state !== 'ready' && s.state !== 'reloading') || s.proc !== proc) return;
          const silence = `did not answer for ${formatMs(silentMs)}`;
          core.setState(s, 'hung', silence);
          proc.kill(silence);
        },
      });
      watchdog.start();
      void proc.exited.then(() => watchdog.stop());
      return () => watchdog.stop();
    },
  };
}
