// HTTP plumbing both servers share: body limits, JSON errors, /health, /livez, the model list and per-model readiness.
import Fastify, { type FastifyInstance } from 'fastify';
import { HEALTHY, type HealthBody } from '../../../common/protocol.js';
import { serverStatus, type ModelTable } from '../model-states.js';
import { HttpError, modelNotFound } from './http-error.js';
import type { LivenessReport } from './liveness.js';

export interface AppOptions<H> {
  server: string;
  bodyLimit: number;
  models: ModelTable<H>;
  /** Whether the server is alive (event loop, engine, deep checks), for /livez. */
  livez: () => LivenessReport;
}

export function buildApp<H>(opts: AppOptions<H>): FastifyInstance {
  const app = Fastify({ bodyLimit: opts.bodyLimit, logger: false, forceCloseConnections: true });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof HttpError) {
      return reply
        .code(err.status)
        .headers(err.headers)
        .send({ error: { message: err.message, type: err.type } });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const message = status === 413 ? `request body is larger than the limit of ${opts.bodyLimit} bytes` : err.message;
    return reply
      .code(status)
      .send({ error: { message, type: status < 500 ? 'invalid_request_error' : 'server_error', code: err.code } });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { message: `no route ${req.method} ${req.url}`, type: 'not_found_error' } }),
  );

  // Plain /health is strict: 200 only once every required model is ready (or quarantined: degraded, as ready as it
  // will get). /health?ready=any is Kubernetes-style readiness: 200 as soon as the first-priority models can serve.
  app.get<{ Querystring: { ready?: string } }>('/health', async (req, reply) => {
    const status = serverStatus(opts.models.values());
    const healthy = HEALTHY.includes(status) || (req.query.ready === 'any' && status === 'serving');
    const body: HealthBody = { status, server: opts.server, models: [...opts.models.values()].map((m) => m.toJSON()) };
    return reply.code(healthy ? 200 : 503).send(body);
  });
  app.get('/v1/models', async () => ({
    object: 'list',
    data: [...opts.models.values()].map((m) => ({
      id: m.name,
      object: 'model',
      created: 0,
      owned_by: 'modelctl',
      state: m.state,
    })),
  }));
  // Liveness: the event loop turns and the engine comes back; never tied to loading, so a liveness probe cannot
  // kill a server that is still loading.
  app.get('/livez', async (_req, reply) => {
    const { alive, reason, eventLoopDelayMs } = opts.livez();
    const body = { status: alive ? 'alive' : 'stalled', server: opts.server, eventLoopDelayMs, reason: reason ?? null };
    return reply.code(alive ? 200 : 503).send(body);
  });
  app.get<{ Params: { name: string } }>('/v1/models/:name/ready', async (req, reply) => {
    const m = opts.models.get(req.params.name);
    if (!m) throw modelNotFound(req.params.name, opts.models);
    return reply.code(m.state === 'ready' || m.state === 'swapping' ? 200 : 503).send(m);
  });
  return app;
}
