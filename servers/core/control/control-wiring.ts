// A running server's controls, wired once: the admin routes behind their guard, and the supervisor's "apply your
// section again" over IPC. Both reach the models through one ConfigApplier, so they take turns.
import type { FastifyInstance } from 'fastify';
import type { Secret } from '../../../common/config/secret.js';
import { messageOf } from '../../../common/errors.js';
import type { ReloadOutcome, SupervisorMessage } from '../../../common/protocol.js';
import { signalParent } from '../ready-signal.js';
import { guardAdminRoutes } from './admin-access.js';
import { registerAdminRoutes, type AdminActions } from './admin-routes.js';
import type { ConfigApplier } from './config-applier.js';

/** Registers /admin/* behind the admin token (or loopback) and answers the supervisor's reloads. */
export function wireControls<H>(app: FastifyInstance, adminToken: Secret | undefined, admin: AdminActions<H>): void {
  guardAdminRoutes(app, adminToken);
  registerAdminRoutes(app, admin);
  answerReloads(admin.applier);
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
