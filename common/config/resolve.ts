// Raw (validated) YAML → the typed Config: defaults per kind, the threads default, absolute paths, `Ms` durations.
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { RawConfig, RawServer } from './schema.js';
import { kindDefaults } from './schema.js';
import { Secret } from './secret.js';
import type { Config, LivenessSettings, ModelConfig, ServerConfig } from './types.js';

/** Inference threads when the config names none: every core but one, which stays for HTTP and the supervisor. */
export const defaultThreads = (): number => Math.max(1, availableParallelism() - 1);

function resolveServer(name: string, s: RawServer, dir: string, adminToken?: Secret): ServerConfig {
  const models: ModelConfig[] = s.models.map((m) => ({ ...m, ...(m.path ? { file: resolve(dir, m.path) } : {}) }));
  const liveness = resolveLiveness(s.liveness);
  const base = { name, host: s.host, port: s.port, env: s.env, dependsOn: s.dependsOn, models, liveness };
  const restart = { policy: s.restart.policy, max: s.restart.max, backoffMs: s.restart.backoff };
  if (!s.kind) return { ...base, restart, kind: 'command', command: s.command ?? [], health: s.health };
  const defaults = kindDefaults(s.kind);
  return {
    ...base,
    restart,
    kind: s.kind,
    concurrency: s.concurrency ?? defaults.concurrency,
    retries: s.retries,
    retryDelayMs: s.retryDelay,
    order: s.order,
    warmup: s.warmup,
    verify: s.verify,
    mmap: s.mmap,
    gpu: s.gpu,
    threads: s.threads ?? defaultThreads(),
    contextSize: s.contextSize,
    parallel: s.parallel,
    bodyLimit: s.bodyLimit ?? defaults.bodyLimit,
    requestTimeoutMs: s.requestTimeout,
    memoryLimitBytes: s.memoryLimit,
    stallTimeoutMs: s.stallTimeout,
    ...(adminToken ? { adminToken } : {}),
  };
}

function resolveLiveness(l: RawServer['liveness']): LivenessSettings | undefined {
  if (l === 'off' || l === false) return undefined;
  const inferenceMs = l.inference === 'off' ? undefined : l.inference;
  return { periodMs: l.period, timeoutMs: l.timeout, failures: l.failures, inferenceMs };
}

export function resolveConfig(raw: RawConfig, file: string, version = ''): Config {
  const dir = dirname(resolve(file));
  const adminToken = raw.adminToken === undefined ? undefined : new Secret(raw.adminToken);
  return {
    file: resolve(file),
    version,
    dir,
    stateDir: join(dir, '.modelctl'),
    budgetMs: raw.budget,
    graceMs: raw.grace,
    deploy: raw.deploy,
    servers: Object.entries(raw.servers).map(([name, s]) => resolveServer(name, s, dir, adminToken)),
  };
}
