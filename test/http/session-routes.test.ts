import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceNames } from '../../src/naming/workspace-names.js';
import { TMUX_SOCKET } from '../../src/tmux/tmux.js';
import { realPodman, testWorkspaces } from '../support/podman.js';
import { watch } from '../support/screen.js';
import { createTestApp, PUBLIC_ORIGIN } from '../support/test-app.js';

const podman = await realPodman();
const PASSWORD = 'correct horse battery';
type Json = {
  session: { id: string; name: string; status: string };
  sessions: { id: string; name: string }[];
  error: { code: string };
};

describe.skipIf(!podman)('terminal sessions over HTTP', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    t = await createTestApp();
    for (const name of ['alice', 'bob']) {
      await t.addUser(name, PASSWORD);
      cookies[name] = await t.login(name, PASSWORD);
    }
  });
  afterAll(async () => {
    await t.close();
    await podman?.close();
  });

  const call = async (as: string, method: string, path: string, body?: unknown) => {
    const res = await t.app.request(path, {
      method,
      headers: {
        cookie: cookies[as] ?? '',
        origin: PUBLIC_ORIGIN,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (res.status === 204 ? {} : await res.json()) as Json };
  };

  it('creates, lists and renames a user’s sessions', async () => {
    const made = await call('alice', 'POST', '/api/sessions', { name: '  main  ' });
    expect(made.status).toBe(201);
    expect(made.json.session).toMatchObject({ name: 'main', status: 'detached' });
    const renamed = await call('alice', 'PATCH', `/api/sessions/${made.json.session.id}`, {
      name: 'build',
    });
    expect(renamed.json.session.name).toBe('build');
    const listed = await call('alice', 'GET', '/api/sessions');
    expect(listed.json.sessions.map((s) => s.name)).toContain('build');
  });

  it('keeps users apart: bob can neither see nor rename nor close alice’s session', async () => {
    const { json } = await call('alice', 'POST', '/api/sessions', { name: 'private' });
    const id = json.session.id;
    expect(
      (await call('bob', 'GET', '/api/sessions')).json.sessions.map((s) => s.id),
    ).not.toContain(id);
    for (const [method, body] of [
      ['PATCH', { name: 'mine now' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await call('bob', method, `/api/sessions/${id}`, body);
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe('session.not_found');
    }
    expect(
      (await call('alice', 'GET', '/api/sessions')).json.sessions.find((s) => s.id === id)?.name,
    ).toBe('private');
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: '   ' }],
    ['a name with a control character', { name: 'a\u0007b' }],
    ['a 65-character name', { name: 'x'.repeat(65) }],
    ['a number', { name: 42 }],
  ])('answers 400 to %s', async (_what, body) => {
    const res = await call('alice', 'POST', '/api/sessions', body);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('session.invalid_name');
  });

  it('answers 409 to a name already in use, and 404 to unknown and ../ ids', async () => {
    await call('alice', 'POST', '/api/sessions', { name: 'twice' });
    expect((await call('alice', 'POST', '/api/sessions', { name: 'twice' })).status).toBe(409);
    for (const id of ['7b0e3d4c-1111-4222-8333-944445555666', '..%2F..%2Fetc', 'not-a-uuid']) {
      expect((await call('alice', 'DELETE', `/api/sessions/${id}`)).status).toBe(404);
    }
  });

  it('refuses everything without a login', async () => {
    const res = await t.app.request('/api/sessions');
    expect(res.status).toBe(401);
  });

  it('closes a session for good: its tmux session and programs end', async () => {
    if (!podman) return;
    const me = (await (
      await t.app.request('/api/me', { headers: { cookie: cookies.alice ?? '' } })
    ).json()) as { user: { id: number } };
    const userId = String(me.user.id);
    const workspaces = testWorkspaces(podman);
    try {
      await workspaces.ensure(userId);
      const { json } = await call('alice', 'POST', '/api/sessions', { name: 'doomed' });
      const terminal = await workspaces.attach(userId, {
        session: json.session.id,
        size: { rows: 24, cols: 80 },
      });
      const screen = watch(terminal);
      terminal.write('echo "UP=$((1+1))"\r');
      await screen.waitFor(/UP=2/);
      const closed = await call('alice', 'DELETE', `/api/sessions/${json.session.id}`);
      expect(closed.status).toBe(204);
      const alive = await podman.exec.run(
        workspaceNames(userId).container,
        ['tmux', '-L', TMUX_SOCKET, 'has-session', '-t', json.session.id],
        {
          user: 'developer',
        },
      );
      expect(alive.exitCode).not.toBe(0);
      expect(
        (await call('alice', 'GET', '/api/sessions')).json.sessions.map((s) => s.id),
      ).not.toContain(json.session.id);
    } finally {
      await workspaces.remove(userId);
      await podman.volumes.remove(workspaceNames(userId).volume, { force: true }).catch(() => {});
    }
  });
});
