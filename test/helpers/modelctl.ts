// Runs the real CLI (bin/modelctl.js) and reads its --json events; every run is killed after the test file.
import { execa, type ResultPromise } from 'execa';
import { afterAll } from 'vitest';
import { waitUntilGone } from '../../common/processes.js';

export const FAKE_SERVER = new URL('../fixtures/fake-server.mjs', import.meta.url).pathname;

export interface UpRun {
  child: ResultPromise;
  events: Record<string, unknown>[];
  /** Resolves with the first event matching `test` (already seen or still to come). */
  waitFor(test: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const runs: ResultPromise[] = [];
afterAll(async () => {
  for (const r of runs) {
    r.kill('SIGKILL');
    await r.catch(() => {});
  }
});

export function modelctl(args: string[], cwd?: string): UpRun {
  const child = execa('node', [new URL('../../bin/modelctl.js', import.meta.url).pathname, ...args], {
    cwd,
    reject: false,
    env: { NO_COLOR: '1' },
    buffer: true,
  });
  runs.push(child);
  const events: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) {
      try {
        events.push(JSON.parse(l));
      } catch {
        /* not a JSON line */
      }
    }
    for (const l of listeners) l();
  });
  return {
    child,
    events,
    waitFor: (test, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const e = events.find(test);
          if (e) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(e);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out; events so far: ${JSON.stringify(events).slice(-2000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
}

/** Waits until every pid has exited; false if any is alive after `ms`. No pid at all is an error, never a pass. */
export async function allGone(pids: number[], ms = 10_000): Promise<boolean> {
  if (pids.length === 0) throw new Error('no process to wait for: the check would pass without looking');
  return (await waitUntilGone(pids, ms)).length === 0;
}

/** The pids of the server processes the supervisor reported spawning (its `spawned` events). */
export function spawnedPids(events: Record<string, unknown>[]): number[] {
  return events.filter((e) => e.type === 'spawned').map((e) => e.pid as number);
}
