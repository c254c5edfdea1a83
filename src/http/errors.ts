import { STATUS_CODES } from 'node:http';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../errors/app-error.js';

/**
 * The one place where error codes become HTTP statuses: every code a client can get below
 * 500 (the README lists them). Unlisted codes are 500s.
 */
export const statusByCode: Readonly<Record<string, ContentfulStatusCode>> = {
  'http.bad_request': 400,
  'http.too_large': 413,
  'http.headers_too_large': 431,
  'http.timeout': 408,
  'http.not_found': 404,
  'http.forbidden_origin': 403,
  'auth.invalid_credentials': 401,
  'auth.unauthenticated': 401,
  'auth.rate_limited': 429,
  'auth.busy': 429,
  'auth.untrusted_proxy': 403,
  'auth.forbidden': 403,
  'admin.not_confirmed': 400,
  'cleanup.busy': 409,
  'volume.in_use': 409,
  'volume.not_found': 404,
  'workspace.invalid_user_id': 400,
  'workspace.not_found': 404,
  'auth.weak_password': 400,
  'user.not_found': 404,
  'user.username_taken': 409,
  'user.invalid_username': 400,
  'session.not_found': 404,
  'session.name_taken': 409,
  'session.invalid_name': 400,
  'terminal.invalid_session': 404,
  'podman.unreachable': 503,
  'workspace.busy': 503,
  'db.unreachable': 503,
};

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface HttpError {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers: Record<string, string>;
}

export function toHttpError(error: unknown): HttpError {
  if (error instanceof AppError) {
    const retry = error.details.retryAfterSeconds;
    return {
      status: statusByCode[error.code] ?? 500,
      body: { error: { code: error.code, message: error.message } },
      headers: typeof retry === 'number' ? { 'retry-after': String(retry) } : {},
    };
  }
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'internal error' } },
    headers: {},
  };
}

/**
 * The same answer written straight to a socket, for requests that never reach the app: a
 * refused WebSocket upgrade, a request Node could not parse. The connection closes after.
 */
export function rawHttpAnswer(error: unknown): string {
  const { status, body } = toHttpError(error);
  const payload = JSON.stringify(body);
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(payload)}`,
    'connection: close',
    '',
    payload,
  ].join('\r\n');
}
