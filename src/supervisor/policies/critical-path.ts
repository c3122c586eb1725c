// Start-up scheduling by critical path: the stack is ready when its slowest server is, and on a machine with few
// cores the servers' start-ups compete for them. So while the stack starts, the servers that were ready sooner last
// time run at a lower CPU priority (nice 10 more than the supervisor) and the slowest gets the cores first; each is
// put back to the priority it started with, the supervisor's own (every thread), the moment it is ready. Only where
// priority can be raised again (root or CAP_SYS_NICE): an unprivileged supervisor could lower a server's priority but
// never restore it.
import { openSync, readdirSync, readSync, closeSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { getPriority, setPriority } from 'node:os';
import { isBuiltin } from '../../../common/config/types.js';
import { timingLogFile } from '../../../common/timing/writer.js';
import type { SupervisorCore } from '../core.js';
import type { SupervisionPolicy } from './policy.js';

/** How much lower than the supervisor's own the servers off the critical path run while they start. */
const OFF_PATH_NICENESS = 10;

/** Lowers every thread of a server off the critical path: 10 below the supervisor's priority, at most nice 19. */
export function lowerPriority(pid: number): void {
  setProcessPriority(pid, Math.min(19, getPriority() + OFF_PATH_NICENESS));
}

/** The cold start of a server's last run, from the end of its timing log (`server_ready`), if there is one. */
export function lastColdStartMs(stateDir: string, server: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(timingLogFile(stateDir, server), 'r');
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const ready = tail
      .toString('utf8')
      .split('\n')
      .filter((l) => l.includes('"server_ready"'))
      .at(-1);
    return ready ? (JSON.parse(ready) as { ms?: number }).ms : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Which servers start at lower priority: every one but the slowest last time; none without a full history. */
export function offCriticalPath(lastMs: Map<string, number | undefined>): Set<string> {
  const known = [...lastMs].filter((e): e is [string, number] => e[1] !== undefined);
  if (known.length < 2 || known.length !== lastMs.size) return new Set();
  const slowest = known.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  return new Set(known.map(([name]) => name).filter((name) => name !== slowest));
}

/** True when this process may raise a priority again (it can set its own niceness below where it is). */
export function canRestorePriority(): boolean {
  const own = getPriority();
  try {
    setPriority(own - 1);
    setPriority(own);
    return true;
  } catch {
    return false;
  }
}

/** Puts every thread of a lowered server back to the supervisor's own niceness, the one it was started with. */
export function restorePriority(pid: number): void {
  setProcessPriority(pid, getPriority());
}

/** Sets every thread of `pid` to `niceness`; a thread or process already gone is skipped. */
export function setProcessPriority(pid: number, niceness: number): void {
  let tasks: string[];
  try {
    tasks = readdirSync(join('/proc', String(pid), 'task'));
  } catch {
    tasks = [String(pid)];
  }
  for (const tid of tasks) {
    try {
      setPriority(Number(tid), niceness);
    } catch {
      // gone, or not ours to change: nothing to do
    }
  }
}

/**
 * The servers that start at lower CPU priority: none when asked not to, when this process could not restore their
 * priority, or without a last cold start of every server.
 */
function offPathOf(core: SupervisorCore): Set<string> {
  const off = core.opts.scheduleByCriticalPath === false || core.servers.length < 2 || !canRestorePriority();
  if (off) return new Set();
  const last = new Map(core.servers.map((s) => [s.config.name, lastColdStartMs(core.running.stateDir, s.config.name)]));
  // Only our servers: a foreign command runs under the guard, whose child the change would not reach in time.
  const ours = new Set(core.servers.filter((s) => isBuiltin(s.config)).map((s) => s.config.name));
  return new Set([...offCriticalPath(last)].filter((name) => ours.has(name)));
}

/** The policy: each server off the path runs its first start lowered, and is put back the moment its wait ends. */
export function criticalPath(core: SupervisorCore): SupervisionPolicy {
  let offPath = new Set<string>();
  return {
    stackStarting() {
      offPath = offPathOf(core);
    },
    starting(s, proc) {
      const pid = proc.pid;
      if (!offPath.delete(s.config.name) || pid === undefined) return;
      lowerPriority(pid);
      return () => restorePriority(pid);
    },
  };
}
