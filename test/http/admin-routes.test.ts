import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { realPodman } from '../support/podman.js';
import { createTestApp, PUBLIC_ORIGIN } from '../support/test-app.js';

const podman = await realPodman();
const PASSWORD = 'correct horse battery';

describe.skipIf(!podman)('the admin API', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let admin = '';
  let member = '';
  let memberId = '';
  beforeAll(async () => {
    t = await createTestApp();
    // Ids far from other tests': they name workspace containers on the shared Podman.
    await t.users.create({ username: 'placeholder', now: t.clock.now() });
    await t.addUser('boss', PASSWORD, true);
    memberId = String((await t.addUser(`member${Date.now() % 100000}`, PASSWORD)).id);
    admin = await t.login('boss', PASSWORD);
    member = await t.login((await t.users.get(Number(memberId))).username, PASSWORD);
  });
  afterAll(async () => {
    await t.workspaces.remove(memberId).catch(() => {});
    await podman?.volumes.remove(workspaceNames(memberId).volume, { force: true }).catch(() => {});
    await t.close();
  });

  const call = (cookie: string, method: string, path: string, body?: unknown) =>
    t.app.request(path, {
      method,
      headers: { cookie, origin: PUBLIC_ORIGIN, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const errorCode = async (res: Response) =>
    ((await res.json()) as { error: { code: string } }).error.code;

  it('is for administrators only: 401 without a login, 403 for a member', async () => {
    for (const [method, path] of [
      ['GET', '/api/admin/containers'],
      ['POST', '/api/admin/cleanup/run'],
      ['GET', '/api/admin/volumes'],
      ['GET', '/api/admin/users'],
      ['DELETE', `/api/admin/containers/${memberId}`],
    ] as const) {
      expect((await call('', method, path)).status).toBe(401);
      const refused = await call(member, method, path);
      expect(refused.status).toBe(403);
      expect(await errorCode(refused)).toBe('auth.forbidden');
    }
  });

  it('adds a user whose password is shown once, and disables one, logging them out', async () => {
    const added = await call(admin, 'POST', '/api/admin/users', {
      username: 'newbie',
      admin: false,
    });
    expect(added.status).toBe(201);
    const { password } = (await added.json()) as { password: string };
    const cookie = await t.login('newbie', password);
    expect((await call(cookie, 'GET', '/api/me')).status).toBe(200);
    const listed = (await (await call(admin, 'GET', '/api/admin/users')).json()) as {
      users: { username: string }[];
    };
    expect(listed.users.map((u) => u.username)).toContain('newbie');
    expect((await call(admin, 'POST', '/api/admin/users/newbie/disable')).status).toBe(200);
    expect((await call(cookie, 'GET', '/api/me')).status).toBe(401);
    expect(await t.login('newbie', password)).toBe('');
    const bad = await call(admin, 'POST', '/api/admin/users', { username: '../x' });
    expect([bad.status, await errorCode(bad)]).toEqual([400, 'user.invalid_username']);
  });

  it('lists and removes a workspace container, keeping the volume and ending its sessions', async () => {
    await t.workspaces.ensure(memberId);
    const session = await t.sessions.create({
      userId: Number(memberId),
      name: 'main',
      now: t.clock.now(),
    });
    const listed = (await (await call(admin, 'GET', '/api/admin/containers')).json()) as {
      containers: { userId: string; state: string }[];
    };
    expect(listed.containers).toEqual([
      expect.objectContaining({ userId: memberId, state: 'running' }),
    ]);
    const removed = await call(admin, 'DELETE', `/api/admin/containers/${memberId}`);
    expect(await removed.json()).toEqual({
      userId: memberId,
      container: `claude-web-user-${memberId}`,
      sessionsEnded: 1,
    });
    expect((await t.sessions.get(session.id)).status).toBe('dead');
    expect(await podman?.volumes.exists(workspaceNames(memberId).volume)).toBe(true);
  });

  it('runs the cleanup, dry or for real, and reports the schedule', async () => {
    const dry = await call(admin, 'POST', '/api/admin/cleanup/run', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(await dry.json()).toMatchObject({ dryRun: true, outcome: 'ok', decisions: [] });
    const real = await call(admin, 'POST', '/api/admin/cleanup/run', {});
    expect(await real.json()).toMatchObject({
      dryRun: false,
      outcome: 'ok',
      runId: expect.any(Number),
    });
    const schedule = (await (await call(admin, 'GET', '/api/admin/cleanup')).json()) as {
      schedule: { lastRun: { outcome: string } };
    };
    expect(schedule.schedule.lastRun.outcome).toBe('ok');
    const bad = await call(admin, 'POST', '/api/admin/cleanup/run', { dryRun: 'yes' });
    expect(bad.status).toBe(400);
  });

  it('deletes a home volume only with the user confirmed in the body', async () => {
    const unconfirmed = await call(admin, 'DELETE', `/api/admin/volumes/${memberId}`, {});
    expect([unconfirmed.status, await errorCode(unconfirmed)]).toEqual([
      400,
      'admin.not_confirmed',
    ]);
    expect(await podman?.volumes.exists(workspaceNames(memberId).volume)).toBe(true);
    const unknown = await call(admin, 'DELETE', '/api/admin/volumes/ghost', { confirm: 'ghost' });
    expect([unknown.status, await errorCode(unknown)]).toEqual([404, 'user.not_found']);
    const confirmed = await call(admin, 'DELETE', `/api/admin/volumes/${memberId}`, {
      confirm: memberId,
    });
    expect(confirmed.status).toBe(200);
    expect(await podman?.volumes.exists(workspaceNames(memberId).volume)).toBe(false);
  });

  it('refuses a bad tail for logs and an unknown user’s logs', async () => {
    expect((await call(admin, 'GET', `/api/admin/logs/${memberId}?tail=lots`)).status).toBe(400);
    expect((await call(admin, 'GET', '/api/admin/logs/ghost')).status).toBe(404);
  });

  it('shows the cleanup schedule in /readyz and /metrics', async () => {
    const ready = (await (await t.app.request('/readyz')).json()) as {
      cleanup: { nextRunAt: string };
    };
    expect(new Date(ready.cleanup.nextRunAt).getTime()).toBe(t.clock.now().getTime() + 5 * 60_000);
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(/^# TYPE claude_web_cleanup_last_run_outcome gauge$/m);
    expect(metrics).toMatch(/^claude_web_cleanup_last_run_outcome\{outcome="ok"\} 1$/m);
    expect(metrics).toMatch(/^claude_web_cleanup_next_run_seconds \d+(\.\d+)?$/m);
    expect(metrics).toMatch(/^claude_web_sessions\{status="dead"\} 1$/m);
  });
});
