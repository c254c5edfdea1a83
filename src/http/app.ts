import { Hono } from 'hono';
import type { AuthService } from '../auth/auth-service.js';
import {
  createProxyAddresses,
  type ProxyAddresses,
  type TrustedProxy,
} from '../auth/trusted-proxy.js';
import type { Clock } from '../clock/clock.js';
import type { Logger } from '../log/logger.js';
import type { SessionsService } from '../terminals/sessions-service.js';
import { type AdminDeps, adminRoutes } from './admin-routes.js';
import { authRoutes, sameOriginOnly } from './auth-routes.js';
import { httpErrors, toHttpError } from './errors.js';
import { type HealthDeps, healthRoutes } from './health-routes.js';
import { createIdentity } from './identity.js';
import { checkedInput } from './input.js';
import type { ReadinessCheck } from './readiness.js';
import { sessionRoutes } from './session-routes.js';
import { webRoutes } from './web-routes.js';

export interface AppDeps {
  clock: Clock;
  log: Logger;
  checks: ReadinessCheck[];
  version: string;
  auth: AuthService;
  sessionsService: SessionsService;
  /** The origin browsers use; others may not change anything. */
  publicOrigin: string;
  /** Trusted reverse-proxy authentication, when configured. */
  proxy?: TrustedProxy;
  /** The reverse proxies whose X-Forwarded-For is believed; none when absent. */
  proxyAddresses?: ProxyAddresses;
  cleanup?: HealthDeps['cleanup'];
  sessionCounts?: HealthDeps['sessionCounts'];
  events?: HealthDeps['events'];
  counters?: HealthDeps['counters'];
  /** The admin API and page; absent, neither is served. */
  admin?: AdminDeps;
}

export function createApp({
  clock,
  log,
  checks,
  version,
  auth,
  sessionsService,
  publicOrigin,
  proxy,
  proxyAddresses = createProxyAddresses([]),
  cleanup,
  sessionCounts,
  events,
  counters,
  admin,
}: AppDeps): Hono {
  const app = new Hono();
  const identity = createIdentity({ auth, proxy });
  app.use(checkedInput());
  app.use(sameOriginOnly(publicOrigin));
  const secureCookie = publicOrigin.startsWith('https:');
  app.route('/', authRoutes({ auth, identity, secureCookie, proxies: proxyAddresses }));
  app.route('/', sessionRoutes({ identity, sessionsService }));
  if (admin) app.route('/', adminRoutes(identity, { ...admin, cleanup }));
  app.route('/', webRoutes());

  app.route(
    '/',
    healthRoutes({ clock, checks, version, cleanup, sessionCounts, events, counters }),
  );

  app.notFound((c) => {
    const { status, body } = toHttpError(
      httpErrors.notFound(`no route ${c.req.method} ${c.req.path}`),
    );
    return c.json(body, status);
  });

  app.onError((error, c) => {
    const { status, body, headers } = toHttpError(error);
    if (status >= 500) log.error({ err: error, path: c.req.path }, 'request failed');
    return c.json(body, status, headers);
  });

  return app;
}
