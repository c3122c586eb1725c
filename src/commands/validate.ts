// `modelctl validate [--plan]`: checks a config and lists every problem, not just the first; with --plan, also what
// each model will need in memory and the order and overlap memory admission will allow (nothing is loaded).
import { loadConfig } from '../../common/config/load.js';
import { isBuiltin, type BuiltinServerConfig, type Config } from '../../common/config/types.js';
import { ModelctlError } from '../../common/errors.js';
import { formatGiB } from '../../common/memory/estimate.js';
import { memoryCapacity, readMemory } from '../../common/memory/system.js';
import { estimateModels, RUNTIME_BYTES } from '../memory-plan/estimate-models.js';
import { planLoads, type PlannedLoad } from '../memory-plan/plan-loads.js';
import { formatMs } from '../format.js';
import { paint } from '../report/style.js';
import { formatTable } from '../report/table.js';

export interface ServerPlanReport {
  server: string;
  concurrency: number;
  capacityBytes: number;
  runtimeBytes: number;
  loads: PlannedLoad[];
}

async function planServer(server: BuiltinServerConfig): Promise<ServerPlanReport> {
  const runtimeBytes = RUNTIME_BYTES[server.kind];
  const capacityBytes = memoryCapacity(readMemory(), runtimeBytes, server.memoryLimitBytes);
  const inputs = await estimateModels(server);
  const loads = planLoads(inputs, { concurrency: server.concurrency, capacityBytes, baselineBytes: runtimeBytes });
  return { server: server.name, concurrency: server.concurrency, capacityBytes, runtimeBytes, loads };
}

function planText(p: ServerPlanReport): string {
  const gib = (n: number | undefined) => (n === undefined ? '' : formatGiB(n));
  const when = (l: PlannedLoad) => {
    if (l.error) return paint.red(l.error);
    if (l.never) return paint.red(`never loads: ${l.never}`);
    const wait = l.waitsForMemory ? ' (waits for memory)' : '';
    return `${formatMs(l.startS! * 1000)} → ${formatMs(l.endS! * 1000)}${wait}`;
  };
  const rows = p.loads.map((l) => [
    l.model,
    gib(l.estimate?.bytes),
    gib(l.estimate?.parts.weights ?? l.estimate?.parts.worker),
    gib(l.estimate?.parts.kv),
    gib(l.estimate?.parts.compute),
    when(l),
  ]);
  const room = `${formatGiB(p.capacityBytes)} to use (runtime ${formatGiB(p.runtimeBytes)})`;
  const head = `${p.server}: ${p.concurrency} at once, ${room}`;
  return [head, ...formatTable(['MODEL', 'NEEDS', 'WEIGHTS', 'KV', 'COMPUTE', 'LOADS (estimated)'], rows)].join('\n');
}

export async function validate(opts: { config: string; json?: boolean; plan?: boolean }): Promise<void> {
  const config = loadConfig(opts.config);
  const plans = opts.plan ? await Promise.all(config.servers.filter(isBuiltin).map(planServer)) : undefined;
  if (opts.json) console.log(JSON.stringify({ valid: true, config, plan: plans }, null, 2));
  else printPlain(opts.config, config, plans);
  // With --json too: the plan says which model, the exit code that one can never load.
  const never = (plans ?? []).flatMap((p) => p.loads.filter((l) => l.never).map((l) => `${p.server}/${l.model}`));
  if (never.length > 0) throw new ModelctlError(`can never load: ${never.join(', ')}`);
}

function printPlain(file: string, config: Config, plans: ServerPlanReport[] | undefined): void {
  const models = config.servers.reduce((n, s) => n + s.models.length, 0);
  const counts = `${config.servers.length} server(s), ${models} model(s)`;
  console.log(`${paint.green('✔')} ${file}: ${counts}, budget ${formatMs(config.budgetMs)}`);
  if (plans) console.log(`\n${plans.map(planText).join('\n\n')}\n${planNote(config)}`);
}

function planNote(config: Config): string {
  const limits = config.servers.some((s) => isBuiltin(s) && s.memoryLimitBytes) ? 'memoryLimit, ' : '';
  return paint.dim(
    `Capacity: the tightest of ${limits}the cgroup limit and MemAvailable now, less 64 MiB; ` +
      'each server planned alone; times assume 700 MB/s.',
  );
}
