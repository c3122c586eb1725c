// /admin/*: what operators do to a running server: warm models on purpose, lift a quarantine.
import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';
import type { ModelTable } from './http.js';
import type { ModelRecord } from './model-states.js';
import { warmModels } from './warmup.js';

export interface AdminActions<H> {
  models: ModelTable<H>;
  warmup(m: ModelRecord<H>, handle: H): Promise<void>;
  /** Forgets the model's crashes and loads it again (alone); throws a 409 when it is not quarantined. */
  release(m: ModelRecord<H>): void;
}

function modelOf<H>(models: ModelTable<H>, name: string): ModelRecord<H> {
  const m = models.get(name);
  if (!m) throw new HttpError(404, `model "${name}" does not exist on this server`, 'not_found_error');
  return m;
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
}
