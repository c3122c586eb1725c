// /admin/*: what operators do to a running server: warm models on purpose, lift a quarantine, load or unload one
// model by name, apply the config file's section again. Who may call them is admin-access.ts's business.
import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../../common/config/units.js';
import type { ConfigApplier } from './config-applier.js';
import { HttpError, modelNotFound } from '../http/http-error.js';
import type { ModelRecord, ModelTable } from '../model-states.js';
import { warmModels } from './warmup.js';

export interface AdminActions<H> {
  models: ModelTable<H>;
  /** One warm-up inference; through ModelHost.use, so an unload waits for it. */
  warmup(m: ModelRecord<H>, handle: H): Promise<void>;
  /** Forgets the model's crashes and loads it again (alone); throws a 409 when it is not quarantined. */
  release(m: ModelRecord<H>): void;
  /** Loads, unloads and reloads by name, from the config file the server was started with. */
  applier: ConfigApplier<H>;
}

function modelOf<H>(models: ModelTable<H>, name: string): ModelRecord<H> {
  const m = models.get(name);
  if (!m) throw modelNotFound(name, models);
  return m;
}

/** `?timeout=10s`: how long an unload waits for requests in flight; undefined for the default. */
function drainTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new HttpError(400, `timeout: expected a duration such as 500ms or 10s, got "${text}"`);
  return ms;
}

export function registerAdminRoutes<H>(app: FastifyInstance, admin: AdminActions<H>): void {
  app.post<{ Querystring: { force?: string; model?: string } }>('/admin/warmup', async (req) => {
    const chosen = req.query.model ? [modelOf(admin.models, req.query.model)] : [...admin.models.values()];
    return { models: await warmModels(chosen, (m, h) => admin.warmup(m, h), req.query.force === 'true') };
  });

  app.delete<{ Params: { name: string } }>('/admin/models/:name/quarantine', async (req, reply) => {
    const m = modelOf(admin.models, req.params.name);
    if (m.state !== 'quarantined') throw new HttpError(409, `model "${m.name}" is ${m.state}, not quarantined`);
    admin.release(m);
    return reply.code(202).send({ model: m.name, state: m.state });
  });

  // The model is named in the URL and found in the config file; a request body, if any, is never read.
  app.post<{ Params: { name: string } }>('/admin/models/:name/load', async (req) => {
    const step = await admin.applier.load(req.params.name);
    if (!step.ok) throw new HttpError(500, `model "${step.name}" did not load: ${step.error}`, 'model_failed');
    return step;
  });

  app.post<{ Params: { name: string }; Querystring: { timeout?: string } }>('/admin/models/:name/unload', async (req) =>
    admin.applier.unload(req.params.name, drainTimeout(req.query.timeout)),
  );

  app.post('/admin/reload', async (_req, reply) => {
    const outcome = await admin.applier.reload();
    return reply.code(outcome.ok ? 200 : 500).send(outcome);
  });
}
