// `modelctl warmup [MODEL] [--force]`: asks each of our running servers to warm its models (POST /admin/warmup).
import got from 'got';
import { loadConfig } from '../config/load.js';
import { formatMs } from '../config/units.js';
import { ModelctlError } from '../errors.js';
import { readStackState } from '../supervisor/state-file.js';
import type { WarmupResult } from '../../servers/core/warmup.js';

export async function warmup(
  model: string | undefined,
  opts: { config: string; force?: boolean; json?: boolean },
): Promise<void> {
  const config = loadConfig(opts.config);
  const state = readStackState(config.stateDir);
  if (!state) throw new ModelctlError('no stack is running: start one with `modelctl up`');
  const ours = state.servers
    .filter((s) => s.kind !== 'command')
    .filter((s) => !model || config.servers.find((c) => c.name === s.name)?.models.some((m) => m.name === model));
  if (ours.length === 0)
    throw new ModelctlError(model ? `no running server has a model named "${model}"` : 'no built-in server is running');
  const results = await Promise.all(
    ours.map(async (s) => {
      const query = new URLSearchParams({ ...(opts.force ? { force: 'true' } : {}), ...(model ? { model } : {}) });
      const body = await got
        .post(`http://${s.host}:${s.port}/admin/warmup?${query}`, { timeout: { request: 600_000 } })
        .json<{ models: WarmupResult[] }>();
      return body.models.map((m) => ({ server: s.name, ...m }));
    }),
  );
  const flat = results.flat();
  if (opts.json) return console.log(JSON.stringify(flat, null, 2));
  for (const r of flat) {
    console.log(
      `${r.server}/${r.name}: ${r.warmed ? `warmed in ${formatMs(r.ms!)}` : r.skipped ? 'already warm (skipped; --force warms again)' : `not warmed: ${r.error}`}`,
    );
  }
}
