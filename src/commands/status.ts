// `modelctl status`: the running stack as it is now: each server's process, whether it answers (/livez for ours, the
// health URL for foreign ones), what the supervisor last wrote (state, restarts) and each model from /health.
import got from 'got';
import { loadConfig } from '../../common/config/load.js';
import { isBuiltin } from '../../common/config/types.js';
import { ModelctlError } from '../../common/errors.js';
import { isAlive } from '../../common/processes.js';
import { isBuiltinKind, type HealthBody } from '../../common/protocol.js';
import { formatMs } from '../format.js';
import { modelLine, stateWord } from '../report/model-line.js';
import { paint } from '../report/style.js';
import { healthWord, observeServer, type ProbeAnswer } from '../supervisor/observe.js';
import { readStackState, type StackState } from '../supervisor/state-file.js';

const TIMEOUT_MS = 1500;

async function getJson<T>(url: string): Promise<{ status?: number; body?: T }> {
  try {
    const res = await got(url, { timeout: { request: TIMEOUT_MS }, retry: { limit: 0 }, throwHttpErrors: false });
    let body: T | undefined;
    try {
      body = JSON.parse(res.body) as T;
    } catch {
      body = undefined;
    }
    return { status: res.statusCode, body };
  } catch {
    return {};
  }
}

type ServerEntry = StackState['servers'][number];

async function look(s: ServerEntry, healthPath: string) {
  const base = `http://${s.host}:${s.port}`;
  const ours = isBuiltinKind(s.kind);
  const [live, health] = await Promise.all([
    getJson<{ reason?: string }>(`${base}${ours ? '/livez' : healthPath}`),
    ours ? getJson<HealthBody>(`${base}/health`) : Promise.resolve({ body: undefined }),
  ]);
  const probe: ProbeAnswer = { status: live.status, reason: live.body?.reason };
  const seen = observeServer(s, s.pids.some(isAlive), probe);
  return { ...s, supervisorState: s.state, ...seen, health: health.body };
}

/** `config 1a2b3c4d5e6f, applied 12:00:01 (3 min ago)`, and a reload that did not apply everything. */
export function configLine(state: StackState, now = Date.now()): string {
  if (!state.configVersion) return 'config version unknown (a supervisor from before reloads)';
  const applied = state.appliedAt ?? state.startedAt;
  const ago = formatMs(Math.max(0, now - Date.parse(applied)));
  const line = `config ${state.configVersion}, applied ${applied} (${ago} ago)`;
  const last = state.lastReload;
  return last ? `${line}\n${paint.red(`last reload (config ${last.version}) did not apply all: ${last.error}`)}` : line;
}

export async function status(opts: { config: string; json?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  const state = readStackState(config.stateDir);
  if (!state || !isAlive(state.supervisorPid)) {
    if (opts.json) console.log(JSON.stringify({ running: false }));
    throw new ModelctlError('no stack is running', { reported: Boolean(opts.json) });
  }
  const healthPath = (name: string) => {
    const server = config.servers.find((c) => c.name === name);
    return server && !isBuiltin(server) ? server.health : '/health';
  };
  const servers = await Promise.all(state.servers.map((s) => look(s, healthPath(s.name))));
  const uptimeMs = Date.now() - Date.parse(state.startedAt);
  if (opts.json) {
    const { supervisorPid, detached, startedAt, configVersion, appliedAt, lastReload } = state;
    const report = {
      running: true,
      supervisorPid,
      detached,
      startedAt,
      uptimeMs,
      config: state.config,
      configVersion,
      appliedAt,
      ...(lastReload ? { lastReload } : {}),
      servers,
    };
    return console.log(JSON.stringify(report, null, 2));
  }
  console.log(`stack from ${state.config}, supervisor pid ${state.supervisorPid}, up ${formatMs(uptimeMs)}`);
  console.log(configLine(state));
  for (const s of servers) {
    const where = `pid ${s.pids.join(',') || '-'}  ${s.host}:${s.port}`;
    const detail = s.detail ? ` (${s.detail})` : '';
    const health = isBuiltinKind(s.kind) ? `  health ${healthWord(s.health)}` : '';
    console.log(`${s.name.padEnd(10)} ${stateWord(paint, s.state)}${detail} ${where}${health}  restarts ${s.restarts}`);
    for (const m of s.health?.models ?? []) console.log(modelLine(paint, m));
  }
}
