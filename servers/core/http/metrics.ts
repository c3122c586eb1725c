// GET /metrics in Prometheus text format. Model figures are read from the model table at scrape time (no second copy
// of state); request durations are observed as requests finish. prom-client is imported once loading is done, or on
// the first scrape or API request: never by the cold start itself or by health probes.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { MODEL_STATES } from '../../../common/model-state.js';
import type { ModelRecord, ModelTable } from '../model-states.js';

const PROBES = new Set(['/metrics', '/health', '/livez', '/v1/models/:name/ready']);

declare module 'fastify' {
  interface FastifyRequest {
    modelName?: string;
  }
}

type PerModel = [kind: 'gauge' | 'counter', name: string, help: string, value: (m: ModelRecord<unknown>) => unknown];

/** One sample per model, each read from the model's record when scraped; undefined values are left out. */
const PER_MODEL: PerModel[] = [
  ['gauge', 'model_load_duration_seconds', 'Duration of the successful load of each model', (m) => seconds(m.loadMs)],
  ['counter', 'model_load_attempts_total', 'Load attempts per model, retries included', (m) => m.attempts],
  ['counter', 'warmup_operations_total', 'Warm-up inferences run per model', (m) => m.warmups],
  ['counter', 'warmup_skipped_total', 'Warm-ups skipped because the model was warm', (m) => m.warmupsSkipped],
  ['gauge', 'warmup_duration_seconds', 'Duration of the last warm-up per model', (m) => seconds(m.warmupMs)],
  ['counter', 'request_timeouts_total', 'Requests cancelled with 504 past requestTimeout', (m) => m.timeouts],
  ['counter', 'model_inference_check_failures_total', 'Deep liveness checks failed', (m) => m.checkFailures],
];

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

async function createRegistry<H>(
  server: string,
  models: ModelTable<H>,
  coldStartMs: () => number | undefined,
  checks: { ok: number; failed: number },
) {
  const { Registry, Gauge, Counter, Histogram } = await import('prom-client');
  const registry = new Registry();
  const labels = { server };
  const modelLabels = ['server', 'model'];
  for (const [kind, name, help, value] of PER_MODEL) {
    const Metric = kind === 'gauge' ? Gauge : Counter;
    new Metric({
      name,
      help,
      labelNames: modelLabels,
      registers: [registry],
      collect(this: { reset(): void; inc?(l: object, v: number): void; set?(l: object, v: number): void }) {
        this.reset();
        for (const m of models.values()) {
          const v = value(m);
          if (typeof v !== 'number') continue;
          if (this.set) this.set({ ...labels, model: m.name }, v);
          else this.inc!({ ...labels, model: m.name }, v);
        }
      },
    });
  }
  new Gauge({
    name: 'model_state',
    help: '1 for the state each model is in, 0 for the others',
    labelNames: ['server', 'model', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of models.values())
        for (const st of MODEL_STATES) this.set({ ...labels, model: m.name, state: st }, m.state === st ? 1 : 0);
    },
  });
  new Gauge({
    name: 'cold_start_seconds',
    help: 'Process start to every required model ready',
    labelNames: ['server'],
    registers: [registry],
    collect() {
      this.reset();
      const ms = coldStartMs();
      if (ms !== undefined) this.set(labels, ms / 1000);
    },
  });
  new Counter({
    name: 'liveness_checks_total',
    help: 'Deep liveness checks (one tiny inference per model) by result',
    labelNames: ['server', 'result'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ ...labels, result: 'ok' }, checks.ok);
      this.inc({ ...labels, result: 'failed' }, checks.failed);
    },
  });
  const requests = new Histogram({
    name: 'request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['server', 'route', 'model'],
    registers: [registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  return { registry: registry as Registry, requests };
}

/** Registers /metrics and the request timing; returns `preload`, for the moment cold start is over. */
export function registerMetrics<H>(
  app: FastifyInstance,
  server: string,
  models: ModelTable<H>,
  coldStartMs: () => number | undefined,
  checks: { ok: number; failed: number },
): { preload(): void } {
  let metrics: ReturnType<typeof createRegistry<H>> | undefined;
  const get = () => (metrics ??= createRegistry(server, models, coldStartMs, checks));
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url;
    // Probes and scrapes are not traffic (and must not import prom-client while a server loads).
    if (!route || PROBES.has(route)) return;
    (await get()).requests.observe({ server, route, model: req.modelName ?? '' }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_req, reply) => {
    const { registry } = await get();
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return { preload: () => void get() };
}
