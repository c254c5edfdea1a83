import { AppError } from '../errors/app-error.js';

/** Every error of logging in and of accounts' credentials. */
export const authErrors = {
  invalidCredentials: () => new AppError('auth.invalid_credentials', 'wrong username or password'),
  unauthenticated: () =>
    new AppError('auth.unauthenticated', 'not logged in, or the login has expired'),
  /** The password hashing queue is full. */
  busy: () =>
    new AppError('auth.busy', 'too many logins at once; try again in a moment', {
      details: { retryAfterSeconds: 1 },
    }),
  /** The process that checks passwords failed (it is started again at the next login). */
  hashingFailed: (reason: string) =>
    new AppError('auth.hashing_failed', `passwords cannot be checked just now: ${reason}`, {
      details: { retryAfterSeconds: 1 },
    }),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError(
      'auth.rate_limited',
      `too many failed logins; try again in ${retryAfterSeconds} s`,
      {
        details: { retryAfterSeconds },
      },
    ),
  weakPassword: (minLength: number) =>
    new AppError('auth.weak_password', `passwords have at least ${minLength} characters`),
  untrustedProxy: (address: string, header: string) =>
    new AppError(
      'auth.untrusted_proxy',
      `${address} is not a configured proxy address (AUTH_PROXY_ADDRESSES) and may not send ${header}`,
      { details: { address } },
    ),
  invalidUsername: (username: string) =>
    new AppError(
      'user.invalid_username',
      `usernames are 1-63 lowercase letters, digits, ".", "_" or "-", starting with a letter (got ${JSON.stringify(username)})`,
      { details: { username } },
    ),
};
