import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/http/identity.js';
import { createTestApp, PUBLIC_ORIGIN } from '../support/test-app.js';

const PASSWORD = 'correct horse battery';
type TestApp = Awaited<ReturnType<typeof createTestApp>>;
type Answer = { user: { username: string }; error: { code: string } };
const answer = async (res: Response) => (await res.json()) as Answer;

describe('logging in over HTTP', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    await t.addUser('alice', PASSWORD, true);
  });
  afterEach(async () => {
    await t.close();
  });

  const login = (body: unknown, headers: Record<string, string> = {}) =>
    t.app.request('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: PUBLIC_ORIGIN, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

  it('sets an httpOnly, SameSite=Strict session cookie and then knows the user', async () => {
    const res = await login({ username: 'alice', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      user: { id: expect.any(Number), username: 'alice', isAdmin: true },
    });
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    const me = await t.app.request('/api/me', { headers: { cookie: cookieOf(res) } });
    expect(me.status).toBe(200);
    expect((await answer(me)).user.username).toBe('alice');
  });

  it('answers 401 to a wrong password and to no cookie', async () => {
    const res = await login({ username: 'alice', password: 'wrong password!' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'auth.invalid_credentials', message: 'wrong username or password' },
    });
    expect(res.headers.get('set-cookie')).toBeNull();
    const me = await t.app.request('/api/me');
    expect(me.status).toBe(401);
    expect((await answer(me)).error.code).toBe('auth.unauthenticated');
  });

  it.each([
    ['not JSON', 'username=alice'],
    ['no password', { username: 'alice' }],
    ['a number for a name', { username: 7, password: PASSWORD }],
    ['an empty body', ''],
  ])('answers 400 to %s', async (_name, body) => {
    const res = await login(body);
    expect(res.status).toBe(400);
    expect((await answer(res)).error.code).toBe('http.bad_request');
  });

  it('answers 429 with Retry-After once the attempts are used up', async () => {
    for (let i = 0; i < 5; i++) await login({ username: 'alice', password: 'guess guess guess' });
    const res = await login({ username: 'alice', password: PASSWORD });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('900');
  });

  it('refuses a login posted from another origin', async () => {
    const res = await login(
      { username: 'alice', password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(res.status).toBe(403);
    expect((await answer(res)).error.code).toBe('http.forbidden_origin');
  });

  it('logs out: the cookie is cleared and no longer works', async () => {
    const cookie = cookieOf(await login({ username: 'alice', password: PASSWORD }));
    const out = await t.app.request('/api/logout', {
      method: 'POST',
      headers: { cookie, origin: PUBLIC_ORIGIN },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    expect((await t.app.request('/api/me', { headers: { cookie } })).status).toBe(401);
  });
});

describe('logging in behind a reverse proxy', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ proxyAddresses: ['127.0.0.1'] });
    await t.addUser('alice', PASSWORD);
  });
  afterEach(async () => {
    await t.close();
  });

  /** A login arriving on a connection from `peer`, as the Node server presents it. */
  const loginFrom = (peer: string, password: string, forwardedFor?: string) =>
    t.app.request(
      '/api/login',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: PUBLIC_ORIGIN,
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
        body: JSON.stringify({ username: 'alice', password }),
      },
      { incoming: { socket: { remoteAddress: peer } } },
    );

  it('counts guesses per forwarded client: one client’s lock is not another’s', async () => {
    for (let i = 0; i < 5; i++) await loginFrom('127.0.0.1', 'guess guess', '198.51.100.1');
    expect((await loginFrom('127.0.0.1', PASSWORD, '198.51.100.1')).status).toBe(429);
    expect((await loginFrom('127.0.0.1', PASSWORD, '198.51.100.2')).status).toBe(200);
  });

  it('believes X-Forwarded-For only from the proxy', async () => {
    for (let i = 0; i < 5; i++) await loginFrom('203.0.113.9', 'guess guess', `198.51.100.${i}`);
    expect((await loginFrom('203.0.113.9', PASSWORD, '198.51.100.77')).status).toBe(429);
    expect((await loginFrom('127.0.0.1', PASSWORD, '203.0.113.9')).status).toBe(429);
    expect((await loginFrom('127.0.0.1', PASSWORD, '198.51.100.77')).status).toBe(200);
  });
});
