// `modelctl status`: the running stack, from the state file (pids, state, restarts) and each server's /health (models).
import got from 'got';
import { loadConfig } from '../../common/config/load.js';
import { formatMs } from '../report/format.js';
import { ModelctlError } from '../../common/errors.js';
import { modelLine, stateWord } from '../report/model-line.js';
import { paint } from '../report/style.js';
import { readStackState } from '../supervisor/state-file.js';
import { isAlive } from '../../common/processes.js';

interface Health {
  status: string;
  models?: { name: string; state: string; loadMs: number | null; attempts: number; error: string | null }[];
}

async function healthOf(host: string, port: number): Promise<Health | undefined> {
  return got(`http://${host}:${port}/health`, {
    timeout: { request: 1500 },
    retry: { limit: 0 },
    throwHttpErrors: false,
  })
    .json<Health>()
    .catch(() => undefined);
}

export async function status(opts: { config: string; json?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  const state = readStackState(config.stateDir);
  if (!state || !isAlive(state.supervisorPid)) {
    if (opts.json) console.log(JSON.stringify({ running: false }));
    throw new ModelctlError('no stack is running', { reported: Boolean(opts.json) });
  }
  const servers = await Promise.all(
    state.servers.map(async (s) => ({
      ...s,
      alive: s.pids.some(isAlive),
      health: await healthOf(s.host, s.port),
    })),
  );
  const uptimeMs = Date.now() - Date.parse(state.startedAt);
  if (opts.json)
    return console.log(
      JSON.stringify(
        {
          running: true,
          supervisorPid: state.supervisorPid,
          detached: state.detached,
          startedAt: state.startedAt,
          uptimeMs,
          config: state.config,
          servers,
        },
        null,
        2,
      ),
    );
  console.log(`stack from ${state.config}, supervisor pid ${state.supervisorPid}, up ${formatMs(uptimeMs)}`);
  for (const s of servers) {
    const where = `pid ${s.pids.join(',') || '-'}  ${s.host}:${s.port}`;
    const health = `health ${s.health?.status ?? 'unreachable'}`;
    console.log(`${s.name.padEnd(10)} ${stateWord(paint, s.state)} ${where}  ${health}  restarts ${s.restarts}`);
    for (const m of s.health?.models ?? []) console.log(modelLine(paint, m));
  }
}
