import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock/clock.js';
import type { AuthSessionsRepository } from '../db/auth-sessions-repository.js';
import type { User, UsersRepository } from '../db/users-repository.js';
import { authErrors } from './errors.js';
import { createInProcessHasher, type PasswordHasher } from './hasher.js';
import { createHashingQueue, type HashingQueue } from './hashing-queue.js';
import type { LoginLimiter } from './login-limiter.js';
import { isOutdated } from './passwords.js';
import { checkUsername } from './usernames.js';

export interface AuthServiceDeps {
  users: UsersRepository;
  authSessions: AuthSessionsRepository;
  limiter: LoginLimiter;
  clock: Clock;
  /** How long a login lasts without use. */
  idleMs?: number;
  /** Where password checks wait their turn (default: all cores but one, 64 waiting). */
  hashing?: HashingQueue;
  /** Where hashes are made and checked (default: in this process). */
  hasher?: PasswordHasher;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createAuthService(deps: AuthServiceDeps) {
  const { users, authSessions, limiter, clock } = deps;
  const idleMs = deps.idleMs ?? 7 * 24 * 3600_000;
  const hashing = deps.hashing ?? createHashingQueue();
  const hasher = deps.hasher ?? createInProcessHasher();
  // Verifying against a real hash for unknown usernames keeps their answer as slow as a
  // wrong password, so timing does not tell which usernames exist. Made at the first need.
  let decoy: Promise<string> | undefined;
  const decoyHash = (): Promise<string> => {
    if (decoy) return decoy;
    const made = hasher.hash(randomBytes(16).toString('hex'));
    made.catch(() => {
      if (decoy === made) decoy = undefined;
    });
    decoy = made;
    return made;
  };

  /** A hash of older parameters is replaced while the password is at hand (the login). */
  async function rehash(userId: number, previous: string, password: string) {
    const next = await hashing.run(() => hasher.hash(password)).catch(() => undefined);
    if (next) await users.replacePasswordHash(userId, previous, next);
  }

  /** The user whose password this is; throws `auth.busy` at once when the line is full. */
  async function checked(username: string, password: string, address: string) {
    const admission = hashing.admit();
    try {
      await limiter.begin(username, address);
      const user = await users.findByUsername(username);
      const ok = await admission.run(async () =>
        hasher.verify(user?.passwordHash ?? (await decoyHash()), password),
      );
      if (!user || !ok || user.disabledAt || !user.passwordHash)
        throw authErrors.invalidCredentials();
      return { ...user, passwordHash: user.passwordHash };
    } finally {
      admission.leave();
    }
  }

  return {
    /** Returns a new session token for the cookie; throws invalid_credentials or rate_limited. */
    async login(
      username: string,
      password: string,
      address: string,
    ): Promise<{ token: string; user: User; expiresAt: Date }> {
      const user = await checked(username, password, address);
      await limiter.succeed(username, address);
      if (isOutdated(user.passwordHash)) await rehash(user.id, user.passwordHash, password);
      const token = randomBytes(32).toString('base64url');
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + idleMs);
      await authSessions.create({
        tokenHash: hashToken(token),
        userId: user.id,
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
      });
      return { token, user, expiresAt };
    },

    /** The user a session token belongs to; extends the session's life. */
    async authenticate(token: string | undefined): Promise<User> {
      if (!token) throw authErrors.unauthenticated();
      const now = clock.now();
      const session = await authSessions.findLive(hashToken(token), now);
      if (!session) throw authErrors.unauthenticated();
      const user = await users.get(session.userId);
      if (user.disabledAt) throw authErrors.unauthenticated();
      await authSessions.touch(session.tokenHash, now, new Date(now.getTime() + idleMs));
      return user;
    },

    /**
     * The user a trusted proxy vouches for. A username seen for the first time becomes a
     * user without a password (the proxy is the login); a disabled user stays out.
     */
    async authenticateProxied(username: string): Promise<User> {
      const existing = await users.findByUsername(username);
      const user =
        existing ??
        (await users
          .create({ username: checkUsername(username), now: clock.now() })
          .catch(async (error: unknown) => {
            // Two first requests at once: the other one created it.
            const raced = await users.findByUsername(username);
            if (raced) return raced;
            throw error;
          }));
      if (user.disabledAt) throw authErrors.unauthenticated();
      return user;
    },

    async logout(token: string | undefined): Promise<void> {
      if (token) await authSessions.delete(hashToken(token));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
