// `modelctl status`: the running stack, from the state file (pids, state, restarts) and each server's /health (models).
import got from 'got';
import { loadConfig } from '../config/load.js';
import { formatMs } from '../config/units.js';
import { ModelctlError } from '../errors.js';
import { paint } from '../report/style.js';
import { readStackState } from '../supervisor/state-file.js';
import { isAlive } from '../supervisor/server-process.js';

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
    const err = new ModelctlError('no stack is running');
    err.reported = Boolean(opts.json);
    throw err;
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
    const color = s.state === 'ready' ? paint.green : s.state === 'failed' ? paint.red : paint.yellow;
    console.log(
      `${s.name.padEnd(10)} ${color(s.state.padEnd(10))} pid ${s.pids.join(',') || '-'}  ${s.host}:${s.port}  health ${s.health?.status ?? 'unreachable'}  restarts ${s.restarts}`,
    );
    for (const m of s.health?.models ?? []) {
      console.log(
        `  ${m.name.padEnd(14)} ${m.state.padEnd(9)} ${m.loadMs === null ? '' : formatMs(m.loadMs)}${m.attempts > 1 ? ` (${m.attempts} attempts)` : ''}${m.error ? paint.red(` ${m.error}`) : ''}`,
      );
    }
  }
}
