// A running server's controls, wired once: the admin routes behind their guard, and the supervisor's "apply your
// section again" over IPC. Both reach the models through one ConfigApplier, so they take turns.
import type { FastifyInstance } from 'fastify';
import type { BuiltinServerConfig, Config } from '../../../common/config/types.js';
import { messageOf } from '../../../common/errors.js';
import type { ReloadOutcome, SupervisorMessage } from '../../../common/protocol.js';
import { guardAdminRoutes } from './admin-access.js';
import { registerAdminRoutes } from './admin-routes.js';
import { ConfigApplier } from './config-applier.js';
import type { ModelTable } from '../http/app.js';
import type { LoadContext } from '../load/load-plan.js';
import type { MemoryGate } from '../load/admission.js';
import type { Loader } from '../load/loader.js';
import { ModelControl } from './model-control.js';
import type { ModelHost } from '../http/model-host.js';
import type { ModelRecord } from '../model-states.js';
import { signalParent } from '../ready-signal.js';

export interface ControlParts<H> {
  app: FastifyInstance;
  config: Config;
  server: BuiltinServerConfig;
  models: ModelTable<H>;
  host: ModelHost<H>;
  loader: Loader<H>;
  gate: MemoryGate;
  ctx: LoadContext<H>;
  /** Lifts a quarantine: forgets the crashes and loads the model again, alone. */
  release(m: ModelRecord<H>): void;
}

export function wireControls<H>(p: ControlParts<H>): ConfigApplier<H> {
  const { ctx } = p;
  const control = new ModelControl<H>({ ...ctx, models: p.models, host: p.host, loader: p.loader, gate: p.gate });
  const applier = new ConfigApplier<H>({
    server: p.server,
    configFile: p.config.file,
    models: p.models,
    control,
    emit: ctx.emit,
  });
  guardAdminRoutes(p.app, p.server.adminToken);
  registerAdminRoutes(p.app, {
    models: p.models,
    // Through the host, so that an unload or swap waits for it instead of freeing the copy under it.
    warmup: (m) => p.host.use(m, 'warmup', (h) => ctx.engine.warmup(m, h)),
    release: p.release,
    applier,
  });
  answerReloads(applier);
  return applier;
}

/** The supervisor's `reload` over IPC: applies the section it planned with and answers with what happened. */
function answerReloads<H>(applier: ConfigApplier<H>): void {
  process.on('message', (m: SupervisorMessage) => {
    if (m?.type !== 'reload') return;
    const failed = (err: unknown): ReloadOutcome => ({
      ok: false,
      version: m.version,
      models: [],
      error: messageOf(err),
      ms: 0,
    });
    void applier.reload(m.version).then(
      (outcome) => signalParent({ type: 'reloaded', id: m.id, outcome }),
      (err: unknown) => signalParent({ type: 'reloaded', id: m.id, outcome: failed(err) }),
    );
  });
}
