import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { addUser, disableUser } from '../auth/accounts.js';
import type { CleanupStatus } from '../cleanup/schedule.js';
import type { CleanupSweep } from '../cleanup/sweep.js';
import type { Clock } from '../clock/clock.js';
import type { AuthSessionsRepository } from '../db/auth-sessions-repository.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { UsersRepository } from '../db/users-repository.js';
import type { WorkspaceManagement } from '../workspaces/management.js';
import { type AuthEnv, publicUser, requireUser } from './auth-routes.js';
import { httpErrors } from './errors.js';
import type { Identity } from './identity.js';
import { jsonBody } from './input.js';

/** What administrators operate on: the same parts the CLI uses. */
export interface AdminDeps {
  management: WorkspaceManagement;
  sweep: CleanupSweep;
  cleanup?: { status(): Promise<CleanupStatus> };
  users: UsersRepository;
  authSessions: AuthSessionsRepository;
  sessions: SessionsRepository;
  clock: Clock;
}

const flag = (value: string | undefined) => value === 'true' || value === '1';
const newUser = z.object({ username: z.string(), admin: z.boolean().optional() });
const confirmation = z.object({ confirm: z.string() });
const tail = z.coerce.number().int().min(1).max(100_000).default(100);

type AdminApp = Hono<AuthEnv>;

/** Containers, their logs, and volumes. */
function workspaceRoutes(app: AdminApp, { management }: AdminDeps) {
  app.get('/api/admin/containers', async (c) =>
    c.json({ containers: await management.containers() }),
  );
  app.delete('/api/admin/containers/:user', async (c) =>
    c.json(await management.remove(c.req.param('user'))),
  );
  app.post('/api/admin/containers/prune', async (c) =>
    c.json({ pruned: await management.prune() }),
  );
  app.post('/api/admin/containers/upgrade', async (c) =>
    c.json({ upgraded: await management.upgrade() }),
  );
  app.post('/api/admin/containers/:user/upgrade', async (c) =>
    c.json({ upgraded: await management.upgrade(c.req.param('user')) }),
  );
  app.get('/api/admin/logs/:user', async (c) => {
    const lines = tail.safeParse(c.req.query('tail'));
    if (!lines.success)
      throw httpErrors.badRequest('tail is a whole number of lines from 1 to 100000');
    const logs = await management.logs(c.req.param('user'), lines.data);
    // With headers of its own: @hono/node-server 1.19 fails a HEAD of a bare c.text() (500).
    return c.text(logs, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });
  app.get('/api/admin/volumes', async (c) =>
    c.json({ volumes: await management.volumes({ orphaned: flag(c.req.query('orphaned')) }) }),
  );
  app.delete('/api/admin/volumes/:user', async (c) => {
    const user = c.req.param('user');
    const body = confirmation.safeParse(await jsonBody(c));
    if (body.data?.confirm !== user) throw httpErrors.notConfirmed(user);
    return c.json(await management.removeVolume(user));
  });
}

/** The cleanup schedule, and a run by hand. */
function cleanupRoutes(app: AdminApp, { sweep, cleanup }: AdminDeps) {
  app.get('/api/admin/cleanup', async (c) =>
    c.json({ schedule: (await cleanup?.status()) ?? null }),
  );
  app.post('/api/admin/cleanup/run', async (c) => {
    const body = z.object({ dryRun: z.boolean().optional() }).safeParse(await jsonBody(c));
    if (!body.success) throw httpErrors.badRequest('send {"dryRun": true|false}');
    return c.json(await sweep.run({ dryRun: body.data.dryRun ?? false, trigger: 'manual' }));
  });
}

/** Users and their terminal sessions. */
function accountRoutes(app: AdminApp, deps: AdminDeps) {
  app.get('/api/admin/sessions', async (c) =>
    c.json({ sessions: await deps.sessions.listAll({ includeDead: flag(c.req.query('all')) }) }),
  );
  app.get('/api/admin/users', async (c) => {
    const users = await deps.users.list();
    const shown = users.map((u) => ({
      ...publicUser(u),
      createdAt: u.createdAt,
      disabledAt: u.disabledAt,
    }));
    return c.json({ users: shown });
  });
  app.post('/api/admin/users', async (c) => {
    const body = newUser.safeParse(await jsonBody(c));
    if (!body.success) throw httpErrors.badRequest('send {"username": …, "admin": true|false}');
    const { username, admin } = body.data;
    const now = deps.clock.now();
    const { user, password } = await addUser(deps.users, {
      username,
      isAdmin: admin ?? false,
      now,
    });
    return c.json({ user: publicUser(user), password }, 201);
  });
  app.post('/api/admin/users/:username/disable', async (c) => {
    const user = await disableUser(deps, c.req.param('username'), deps.clock.now());
    return c.json({ user: { ...publicUser(user), disabledAt: user.disabledAt } });
  });
}

/** `/api/admin/*`: every manual command of the CLI, for administrators only. */
export function adminRoutes(identity: Identity, deps: AdminDeps) {
  const app: AdminApp = new Hono<AuthEnv>();
  app.use('/api/admin/*', requireUser(identity));
  app.use(
    '/api/admin/*',
    createMiddleware<AuthEnv>(async (c, next) => {
      if (!c.var.user.isAdmin) throw httpErrors.forbidden();
      await next();
    }),
  );
  workspaceRoutes(app, deps);
  cleanupRoutes(app, deps);
  accountRoutes(app, deps);
  return app;
}
