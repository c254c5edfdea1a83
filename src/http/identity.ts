import type { IncomingMessage } from 'node:http';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { parse as parseCookie } from 'hono/utils/cookie';
import type { AuthService } from '../auth/auth-service.js';
import type { TrustedProxy } from '../auth/trusted-proxy.js';
import type { User } from '../db/users-repository.js';

export const SESSION_COOKIE = 'claude_web_session';

/** The connecting address; `app.request()` in tests has none. */
export function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/**
 * Who is asking: the user a trusted proxy names, else the owner of the login cookie.
 * HTTP routes and WebSocket upgrades both go through here, so they cannot disagree.
 */
export function createIdentity({ auth, proxy }: { auth: AuthService; proxy?: TrustedProxy }) {
  async function identify(request: {
    cookieToken: string | undefined;
    proxied: string | undefined;
    remoteAddress: string | undefined;
  }): Promise<User> {
    const username = proxy?.username(request.proxied, request.remoteAddress);
    if (username !== undefined) return auth.authenticateProxied(username);
    return auth.authenticate(request.cookieToken);
  }
  return {
    ofContext: (c: Context) =>
      identify({
        cookieToken: getCookie(c, SESSION_COOKIE),
        proxied: proxy ? c.req.header(proxy.header) : undefined,
        remoteAddress: remoteAddress(c),
      }),
    ofUpgrade: (req: IncomingMessage) => {
      const value = proxy ? req.headers[proxy.header] : undefined;
      return identify({
        cookieToken: parseCookie(req.headers.cookie ?? '', SESSION_COOKIE)[SESSION_COOKIE],
        proxied: Array.isArray(value) ? value[0] : value,
        remoteAddress: req.socket.remoteAddress,
      });
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;
