// Who may call /admin/*: with an `adminToken` in the config, whoever sends it as a bearer token (401 without one, 403
// with a wrong one); without one, loopback callers only (403 for the rest). A server bound to 0.0.0.0 for a cluster
// must not let anyone who can reach its port unload its models.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Secret } from '../../../common/config/secret.js';
import { HttpError } from '../http/http-error.js';

/** 127.0.0.0/8, ::1, and IPv4 loopback written as IPv6 (::ffff:127.x.y.z). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  if (address === '::1') return true;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Whether a request may use the admin routes; throws the 401 / 403 to answer otherwise. */
export function checkAdminAccess(req: FastifyRequest, token: Secret | undefined): void {
  if (!token) {
    if (isLoopback(req.socket.remoteAddress)) return;
    throw new HttpError(
      403,
      'admin routes answer only loopback callers unless adminToken is set in models.yaml',
      'forbidden',
    );
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer === undefined) {
    throw new HttpError(401, 'admin routes need the admin token: Authorization: Bearer <adminToken>', 'unauthorized', {
      'www-authenticate': 'Bearer realm="modelctl admin"',
    });
  }
  if (!token.matches(bearer)) throw new HttpError(403, 'the admin token does not match', 'forbidden');
}

/** Guards every route under /admin/ (by the route matched, so no spelling of the URL slips past). */
export function guardAdminRoutes(app: FastifyInstance, token: Secret | undefined): void {
  app.addHook('onRequest', async (req) => {
    if (req.routeOptions.url?.startsWith('/admin/')) checkAdminAccess(req, token);
  });
}
