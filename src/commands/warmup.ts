// `modelctl warmup [MODEL] [--force]`: asks each of our running servers to warm its models (POST /admin/warmup).
import got from 'got';
import { loadConfig } from '../../common/config/load.js';
import { isBuiltin } from '../../common/config/types.js';
import { formatMs } from '../format.js';
import { ModelctlError } from '../../common/errors.js';
import { readStackState } from '../supervisor/state-file.js';
import { isBuiltinKind, type WarmupResult } from '../../common/protocol.js';

function warmupOutcome(r: WarmupResult): string {
  if (r.warmed) return `warmed in ${formatMs(r.ms!)}`;
  return r.skipped ? 'already warm (skipped; --force warms again)' : `not warmed: ${r.error}`;
}

export async function warmup(
  model: string | undefined,
  opts: { config: string; force?: boolean; json?: boolean },
): Promise<void> {
  const config = loadConfig(opts.config);
  const state = readStackState(config.stateDir);
  if (!state) throw new ModelctlError('no stack is running: start one with `modelctl up`');
  const ours = state.servers
    .filter((s) => isBuiltinKind(s.kind))
    .filter((s) => !model || config.servers.find((c) => c.name === s.name)?.models.some((m) => m.name === model));
  if (ours.length === 0)
    throw new ModelctlError(model ? `no running server has a model named "${model}"` : 'no built-in server is running');
  const results = await Promise.all(
    ours.map(async (s) => {
      const query = new URLSearchParams({ ...(opts.force ? { force: 'true' } : {}), ...(model ? { model } : {}) });
      const section = config.servers.find((c) => c.name === s.name);
      const token = section && isBuiltin(section) ? section.adminToken : undefined;
      const headers = token ? { authorization: `Bearer ${token.reveal()}` } : {};
      const body = await got
        .post(`http://${s.host}:${s.port}/admin/warmup?${query}`, { headers, timeout: { request: 600_000 } })
        .json<{ models: WarmupResult[] }>();
      return body.models.map((m) => ({ server: s.name, ...m }));
    }),
  );
  const flat = results.flat();
  if (opts.json) return console.log(JSON.stringify(flat, null, 2));
  for (const r of flat) {
    console.log(`${r.server}/${r.name}: ${warmupOutcome(r)}`);
  }
}
