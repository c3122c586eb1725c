// `modelctl down`: stops the stack `up` started (detached or in another terminal) and waits until every process is gone.
import { loadConfig } from '../config/load.js';
import { formatMs } from '../config/units.js';
import { ModelctlError } from '../errors.js';
import { readStackState } from '../supervisor/state-file.js';
import { isAlive, killQuietly } from '../supervisor/server-process.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until none of `pids` is alive; false if some still are after `ms`. */
export async function waitGone(pids: number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pids.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export async function down(opts: { config: string }): Promise<void> {
  const config = loadConfig(opts.config);
  const state = readStackState(config.stateDir);
  if (!state) return console.log('no stack is running (no .modelctl/state.json)');
  const started = performance.now();
  const serverPids = state.servers.flatMap((s) => s.pids);
  const all = [state.supervisorPid, ...serverPids];
  // The supervisor stops its servers with their grace period; a supervisor that is gone leaves servers that stop on SIGTERM.
  if (isAlive(state.supervisorPid)) killQuietly(state.supervisorPid, 'SIGTERM');
  else for (const pid of serverPids) killQuietly(pid, 'SIGTERM');
  if (!(await waitGone(all, config.grace + 3000))) {
    for (const pid of all) killQuietly(pid, 'SIGKILL');
    if (!(await waitGone(all, 2000))) throw new ModelctlError(`processes still alive after SIGKILL: ${all.filter(isAlive).join(', ')}`);
  }
  rmSync(join(config.stateDir, 'state.json'), { force: true });
  console.log(`stopped ${state.servers.map((s) => s.name).join(', ')} in ${formatMs(performance.now() - started)}`);
}

