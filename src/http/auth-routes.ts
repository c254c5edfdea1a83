import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import type { AuthService } from '../auth/auth-service.js';
import type { ProxyAddresses } from '../auth/trusted-proxy.js';
import type { User } from '../db/users-repository.js';
import { httpErrors } from './errors.js';
import { type Identity, remoteAddress, SESSION_COOKIE } from './identity.js';
import { jsonBody } from './input.js';

export type AuthEnv = { Variables: { user: User } };

const credentials = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1000),
});

export function publicUser(user: User) {
  return { id: user.id, username: user.username, isAdmin: user.isAdmin };
}

/** Puts the caller on the context, or answers 401. */
export function requireUser(identity: Identity) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    c.set('user', await identity.ofContext(c));
    await next();
  });
}

/** POST /api/login, POST /api/logout, GET /api/me. */
export function authRoutes({
  auth,
  identity,
  secureCookie,
  proxies,
}: {
  auth: AuthService;
  identity: Identity;
  secureCookie: boolean;
  /** Who may name the client's address in X-Forwarded-For (the login limiter keys on it). */
  proxies: ProxyAddresses;
}) {
  const app = new Hono<AuthEnv>();

  app.post('/api/login', async (c) => {
    const body = credentials.safeParse(await jsonBody(c));
    if (!body.success) throw httpErrors.badRequest('send {"username": …, "password": …} as JSON');
    const { token, user, expiresAt } = await auth.login(
      body.data.username,
      body.data.password,
      proxies.client(remoteAddress(c), c.req.header('x-forwarded-for')) ?? 'unknown',
    );
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: secureCookie,
      path: '/',
      expires: expiresAt,
    });
    return c.json({ user: publicUser(user) });
  });

  app.post('/api/logout', async (c) => {
    await auth.logout(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookie });
    return c.body(null, 204);
  });

  app.get('/api/me', requireUser(identity), (c) => c.json({ user: publicUser(c.var.user) }));

  return app;
}

/**
 * Refuses state-changing requests that a browser sent from another origin: together with
 * the SameSite cookie, this is the CSRF defence. Requests without an Origin (curl, the
 * CLI) are not browsers' and pass.
 */
export function sameOriginOnly(publicOrigin: string) {
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('origin');
    const safe = c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS';
    if (!safe && origin !== undefined && origin !== publicOrigin) {
      throw httpErrors.forbiddenOrigin(`requests from ${origin} are not accepted here`);
    }
    await next();
  });
}
