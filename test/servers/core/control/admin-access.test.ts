import { describe, expect, it } from 'vitest';
import { Secret } from '../../../../common/config/secret.js';
import { guardAdminRoutes, isLoopback } from '../../../../servers/core/control/admin-access.js';
import { buildApp } from '../../../../servers/core/http/app.js';

const TOKEN = 'correct-horse-battery-staple';

/** A server's app with the guard and one admin route; `remoteAddress` plays the caller. */
function app(token?: Secret) {
  const a = buildApp({
    server: 'llm',
    bodyLimit: 1000,
    models: new Map(),
    livez: () => ({ alive: true, eventLoopDelayMs: 0 }),
  });
  guardAdminRoutes(a, token);
  a.post('/admin/warmup', async () => ({ warmed: true }));
  return a;
}

const call = async (
  a: ReturnType<typeof app>,
  remoteAddress: string,
  authorization?: string,
  url = '/admin/warmup',
) => {
  const res = await a.inject({
    method: url.startsWith('/admin') ? 'POST' : 'GET',
    url,
    remoteAddress,
    headers: authorization ? { authorization } : {},
  });
  return {
    status: res.statusCode,
    body: res.json() as { error?: { message: string } },
    auth: res.headers['www-authenticate'],
  };
};

describe('who may call /admin/*', () => {
  it('knows loopback addresses, IPv4 written as IPv6 included, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['192.0.2.2', '10.0.0.1', '::ffff:10.0.0.1', 'fd00::2', '1127.0.0.1', '', undefined])
      expect(isLoopback(a)).toBe(false);
  });

  it('without a token: loopback callers only; others get 403 and health routes stay open to them', async () => {
    const a = app();
    expect((await call(a, '127.0.0.1')).status).toBe(200);
    const refused = await call(a, '192.0.2.2');
    expect(refused.status).toBe(403);
    expect(refused.body.error?.message).toBe(
      'admin routes answer only loopback callers unless adminToken is set in models.yaml',
    );
    expect((await call(a, '192.0.2.2', undefined, '/livez')).status).toBe(200);
  });

  it('with a token: 401 without it (loopback too), 403 with a wrong one, 200 with it from anywhere', async () => {
    const a = app(new Secret(TOKEN));
    const missing = await call(a, '127.0.0.1');
    expect(missing.status).toBe(401);
    expect(missing.auth).toBe('Bearer realm="modelctl admin"');
    expect((await call(a, '192.0.2.2', 'Bearer wrong-token-of-some-length')).status).toBe(403);
    expect((await call(a, '192.0.2.2', `Basic ${TOKEN}`)).status).toBe(401);
    expect((await call(a, '192.0.2.2', `Bearer ${TOKEN}`)).status).toBe(200);
    expect(JSON.stringify((await call(a, '192.0.2.2', 'Bearer nope')).body)).not.toContain(TOKEN);
  });
});
