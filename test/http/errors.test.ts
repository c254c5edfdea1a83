import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.js';
import { toHttpError } from '../../src/http/errors.js';
import { PodmanError } from '../../src/podman/errors.js';

const cases: [error: unknown, status: number, code: string][] = [
  [new AppError('session.not_found', 'no session "x"'), 404, 'session.not_found'],
  [new AppError('session.name_taken', 'taken'), 409, 'session.name_taken'],
  [new AppError('user.username_taken', 'taken'), 409, 'user.username_taken'],
  [new AppError('podman.unreachable', 'down'), 503, 'podman.unreachable'],
  [new AppError('db.unreachable', 'down'), 503, 'db.unreachable'],
  [new PodmanError(500, 'boom', 'GET /x'), 500, 'podman.server_error'],
  [new Error('secret internals'), 500, 'internal'],
];

describe.each(cases)('%s', (error, status, code) => {
  it(`maps to ${status} ${code}`, () => {
    const mapped = toHttpError(error);
    expect(mapped.status).toBe(status);
    expect(mapped.body.error.code).toBe(code);
    if (!(error instanceof AppError)) expect(mapped.body.error.message).toBe('internal error');
  });
});
