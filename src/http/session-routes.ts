import { Hono } from 'hono';
import type { Session } from '../db/sessions-repository.js';
import type { SessionsService } from '../terminals/sessions-service.js';
import { type AuthEnv, requireUser } from './auth-routes.js';
import type { Identity } from './identity.js';
import { jsonBody } from './input.js';

function publicSession(s: Session) {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    createdAt: s.createdAt,
    lastActivityAt: s.lastActivityAt,
  };
}

/** The caller's terminal sessions: list, create, rename, close. */
export function sessionRoutes({
  identity,
  sessionsService: sessions,
}: {
  identity: Identity;
  sessionsService: SessionsService;
}) {
  const app = new Hono<AuthEnv>();
  app.use('/api/sessions', requireUser(identity));
  app.use('/api/sessions/*', requireUser(identity));
  const body = async (c: { req: { text(): Promise<string> } }) => {
    const parsed = await jsonBody(c);
    return (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { name?: unknown };
  };

  app.get('/api/sessions', async (c) =>
    c.json({ sessions: (await sessions.list(c.var.user)).map(publicSession) }),
  );
  app.post('/api/sessions', async (c) => {
    const created = await sessions.create(c.var.user, (await body(c)).name);
    return c.json({ session: publicSession(created) }, 201);
  });
  app.patch('/api/sessions/:id', async (c) => {
    const renamed = await sessions.rename(c.var.user, c.req.param('id'), (await body(c)).name);
    return c.json({ session: publicSession(renamed) });
  });
  app.delete('/api/sessions/:id', async (c) => {
    await sessions.close(c.var.user, c.req.param('id'));
    return c.body(null, 204);
  });
  return app;
}
