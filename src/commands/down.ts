// `modelctl down`: stops the stack `up` started (detached or in another terminal) and waits until every process is
// gone.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../common/config/load.js';
import { formatMs } from '../format.js';
import { ModelctlError } from '../../common/errors.js';
import { readStackState } from '../supervisor/state-file.js';
import { isAlive, killQuietly, waitUntilGone } from '../../common/processes.js';

export async function down(opts: { config: string }): Promise<void> {
  const config = loadConfig(opts.config);
  const state = readStackState(config.stateDir);
  if (!state) return console.log('no stack is running (no .modelctl/state.json)');
  const started = performance.now();
  const serverPids = state.servers.flatMap((s) => s.pids);
  const all = [state.supervisorPid, ...serverPids];
  // The supervisor stops its servers with their grace period; a supervisor that is gone leaves servers that stop on
  // SIGTERM.
  if (isAlive(state.supervisorPid)) killQuietly(state.supervisorPid, 'SIGTERM');
  else for (const pid of serverPids) killQuietly(pid, 'SIGTERM');
  if ((await waitUntilGone(all, config.graceMs + 3000)).length > 0) {
    for (const pid of all) killQuietly(pid, 'SIGKILL');
    const left = await waitUntilGone(all, 2000);
    if (left.length > 0) throw new ModelctlError(`processes still alive after SIGKILL: ${left.join(', ')}`);
  }
  rmSync(join(config.stateDir, 'state.json'), { force: true });
  console.log(`stopped ${state.servers.map((s) => s.name).join(', ')} in ${formatMs(performance.now() - started)}`);
}
