import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError } from '../errors/app-error.js';

/** The one place where error codes become HTTP statuses. Unlisted codes are 500s. */
const statusByCode: Record<string, ContentfulStatusCode> = {
  'http.bad_request': 400,
  'http.not_found': 404,
  'http.forbidden_origin': 403,
  'auth.invalid_credentials': 401,
  'auth.unauthenticated': 401,
  'auth.rate_limited': 429,
  'auth.untrusted_proxy': 403,
  'auth.forbidden': 403,
  'admin.not_confirmed': 400,
  'cleanup.busy': 409,
  'volume.in_use': 409,
  'volume.not_found': 404,
  'workspace.invalid_user_id': 400,
  'auth.weak_password': 400,
  'user.not_found': 404,
  'user.username_taken': 409,
  'user.invalid_username': 400,
  'session.not_found': 404,
  'session.name_taken': 409,
  'session.invalid_name': 400,
  'terminal.invalid_session': 404,
  'podman.unreachable': 503,
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
