import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PUBLIC_ORIGIN } from '../support/test-app.js';

const PASSWORD = 'correct horse battery';

/** Bad input, each with the answer it must get: never a 500, always the JSON error. */
const cases: {
  name: string;
  method?: string;
  path: string;
  body?: string | Uint8Array;
  status: number;
  code: string;
}[] = [
  {
    name: 'a malformed escape in the path',
    path: '/api/sessions/%ZZ',
    status: 400,
    code: 'http.bad_request',
  },
  { name: 'a lone % in the path', path: '/api/sessions/%', status: 400, code: 'http.bad_request' },
  {
    name: 'bytes that are not UTF-8',
    path: '/api/sessions/%FF%FE',
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'an overlong UTF-8 ../',
    path: '/api/sessions/%C0%AE%C0%AE%C0%AF',
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'a truncated escape after a UUID',
    path: '/api/sessions/00000000-0000-4000-8000-00000000000%8',
    method: 'DELETE',
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'a NUL in the path',
    path: '/api/admin/logs/a%00b',
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'a control character in the query',
    path: '/api/admin/logs/x?tail=%0a1',
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'a malformed escape in the query',
    path: '/api/sessions?x=%E0%A4',
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'an overlong path',
    path: `/api/sessions/${'a'.repeat(3000)}`,
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'an overlong query',
    path: `/api/sessions?q=${'a'.repeat(5000)}`,
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'a body over the limit',
    method: 'POST',
    path: '/api/sessions',
    body: 'x'.repeat(70_000),
    status: 413,
    code: 'http.too_large',
  },
  {
    name: 'a body that is not UTF-8',
    method: 'POST',
    path: '/api/sessions',
    body: new Uint8Array([0x7b, 0xff, 0x7d]),
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'a body that is not JSON',
    method: 'POST',
    path: '/api/sessions',
    body: '{"name":',
    status: 400,
    code: 'http.bad_request',
  },
  {
    name: 'a session name with NUL',
    method: 'POST',
    path: '/api/sessions',
    body: '{"name":"a\\u0000b"}',
    status: 400,
    code: 'session.invalid_name',
  },
  {
    name: 'a JSON body that is null',
    method: 'POST',
    path: '/api/sessions',
    body: 'null',
    status: 400,
    code: 'session.invalid_name',
  },
  {
    name: 'a user with NUL to log in',
    method: 'POST',
    path: '/api/login',
    body: '{"username":"a\\u0000b","password":"x"}',
    status: 401,
    code: 'auth.invalid_credentials',
  },
  {
    name: 'an unknown session',
    method: 'DELETE',
    path: '/api/sessions/00000000-0000-4000-8000-000000000001',
    status: 404,
    code: 'session.not_found',
  },
  {
    name: 'an admin route as a plain user',
    path: '/api/admin/logs/nobody',
    status: 403,
    code: 'auth.forbidden',
  },
];

describe('input the routes never see (app.request)', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let cookie = '';
  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser('plain', PASSWORD);
    cookie = await t.login('plain', PASSWORD);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(cases)('$name: $status $code', async ({ method, path, body, status, code }) => {
    const res = await t.app.request(path, {
      method: method ?? 'GET',
      headers: { cookie, origin: PUBLIC_ORIGIN, 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('a body without a declared length is counted as it arrives', async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(8 * 1024).fill(0x20));
        controller.close();
      },
    });
    const res = await t.app.request('/api/sessions', {
      method: 'POST',
      headers: { cookie, origin: PUBLIC_ORIGIN, 'content-type': 'application/json' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });
});
