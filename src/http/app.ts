import { Hono } from 'hono';
import type { AuthService } from '../auth/auth-service.js';
import type { TrustedProxy } from '../auth/trusted-proxy.js';
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../log/logger.js';
import type { SessionsService } from '../terminals/sessions-service.js';
import { authRoutes, sameOriginOnly } from './auth-routes.js';
import { toHttpError } from './errors.js';
import { createIdentity } from './identity.js';
import { type ReadinessCheck, runChecks } from './readiness.js';
import { sessionRoutes } from './session-routes.js';
import { webRoutes } from './web-routes.js';

export interface AppDeps {
  clock: Clock;
  log: Logger;
  checks: ReadinessCheck[];
  version: string;
  auth: AuthService;
  sessions: SessionsService;
  /** The origin browsers use; others may not change anything. */
  publicOrigin: string;
  /** Trusted reverse-proxy authentication, when configured. */
  proxy?: TrustedProxy;
}

export function createApp({
  clock,
  log,
  checks,
  version,
  auth,
  sessions,
  publicOrigin,
  proxy,
}: AppDeps): Hono {
  const app = new Hono();
  const identity = createIdentity({ auth, proxy });
  app.use(sameOriginOnly(publicOrigin));
  app.route('/', authRoutes({ auth, identity, secureCookie: publicOrigin.startsWith('https:') }));
  app.route('/', sessionRoutes({ identity, sessions }));
  app.route('/', webRoutes());

  /** Liveness: the process answers. */
  app.get('/healthz', (c) => c.json({ status: 'ok', version }));

  /** Readiness: every dependency answers; 503 names the ones that do not. */
  app.get('/readyz', async (c) => {
    const results = await runChecks(checks, clock, 5_000);
    const ready = results.every((r) => r.ok);
    return c.json({ status: ready ? 'ready' : 'unavailable', checks: results }, ready ? 200 : 503);
  });

  app.notFound((c) =>
    c.json(
      { error: { code: 'http.not_found', message: `no route ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );

  app.onError((error, c) => {
    const { status, body, headers } = toHttpError(error);
    if (status >= 500) log.error({ err: error, path: c.req.path }, 'request failed');
    return c.json(body, status, headers);
  });

  return app;
}
