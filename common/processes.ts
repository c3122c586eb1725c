// Other processes, by pid: signal them quietly, tell whether they are alive, wait until they are gone.
import { readFileSync } from 'node:fs';

/** Sends a signal; "no such process" means it is already gone, which is what we wanted. */
export function killQuietly(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** True while the process exists and is not a zombie (a zombie holds nothing but its exit status). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Waits until none of `pids` is alive, at most `ms`; returns the ones still alive (empty: all gone). */
export async function waitUntilGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(isAlive);
}
