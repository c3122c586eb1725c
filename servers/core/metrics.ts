// GET /metrics in Prometheus text format. Load and warm-up figures are read from the model table at scrape time
// (no second copy of state); request durations are observed as requests finish. prom-client is imported once loading is
// done, or on
// the first scrape or API request: never by the cold start itself or by health probes.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { ModelTable } from './http.js';
import type { ModelState } from '../../common/protocol.js';

const STATES: ModelState[] = ['queued', 'loading', 'retrying', 'ready', 'failed'];
const PROBES = new Set(['/metrics', '/health', '/livez', '/v1/models/:name/ready']);

declare module 'fastify' {
  interface FastifyRequest {
    modelName?: string;
  }
}

async function createRegistry<H>(server: string, models: ModelTable<H>, coldStartMs: () => number | undefined) {
  const { Registry, Gauge, Counter, Histogram } = await import('prom-client');
  const registry = new Registry();
  const all = () => [...models.values()];
  const labels = { server };
  new Gauge({
    name: 'model_load_duration_seconds',
    help: 'Duration of the successful load of each model',
    labelNames: ['server', 'model'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of all()) if (m.loadMs !== undefined) this.set({ ...labels, model: m.name }, m.loadMs / 1000);
    },
  });
  new Counter({
    name: 'model_load_attempts_total',
    help: 'Load attempts per model, retries included',
    labelNames: ['server', 'model'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of all()) this.inc({ ...labels, model: m.name }, m.attempts);
    },
  });
  new Gauge({
    name: 'model_state',
    help: '1 for the state each model is in, 0 for the others',
    labelNames: ['server', 'model', 'state'],
    registers: [registry],
    collect() {
      for (const m of all())
        for (const st of STATES) this.set({ ...labels, model: m.name, state: st }, m.state === st ? 1 : 0);
    },
  });
  new Counter({
    name: 'warmup_operations_total',
    help: 'Warm-up inferences run per model',
    labelNames: ['server', 'model'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of all()) this.inc({ ...labels, model: m.name }, m.warmups);
    },
  });
  new Counter({
    name: 'warmup_skipped_total',
    help: 'Warm-ups asked for but skipped because the model was already warm',
    labelNames: ['server', 'model'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of all()) this.inc({ ...labels, model: m.name }, m.warmupsSkipped);
    },
  });
  new Gauge({
    name: 'warmup_duration_seconds',
    help: 'Duration of the last warm-up per model',
    labelNames: ['server', 'model'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of all()) if (m.warmupMs !== undefined) this.set({ ...labels, model: m.name }, m.warmupMs / 1000);
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
): { preload(): void } {
  let metrics: ReturnType<typeof createRegistry<H>> | undefined;
  const get = () => (metrics ??= createRegistry(server, models, coldStartMs));
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
