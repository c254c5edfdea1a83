import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createAuthService } from '../../src/auth/auth-service.js';
import { createLoginLimiter } from '../../src/auth/login-limiter.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { createProxyAddresses, type TrustedProxy } from '../../src/auth/trusted-proxy.js';
import { scheduleCleanup } from '../../src/cleanup/schedule.js';
import type { Clock } from '../../src/clock/clock.js';
import { createAuthSessionsRepository } from '../../src/db/auth-sessions-repository.js';
import { createCleanupRunsRepository } from '../../src/db/cleanup-runs-repository.js';
import { createDb } from '../../src/db/create-db.js';
import { createLoginAttemptsRepository } from '../../src/db/login-attempts-repository.js';
import { createSessionsRepository } from '../../src/db/sessions-repository.js';
import { createUsersRepository } from '../../src/db/users-repository.js';
import { createApp } from '../../src/http/app.js';
import type { ReadinessCheck } from '../../src/http/readiness.js';
import { createPodmanClient } from '../../src/podman/client.js';
import { createNoticeBoard } from '../../src/terminals/notices.js';
import { createSessionsService } from '../../src/terminals/sessions-service.js';
import { createWorkspaceManagement } from '../../src/workspaces/management.js';
import { createWorkspaceUsage } from '../../src/workspaces/usage.js';
import { createFakeClock } from './fake-clock.js';
import { scopedTo, testImage, testSocketPath, testWorkspaces } from './podman.js';
import { testSweep } from './sweep.js';

export const PUBLIC_ORIGIN = 'http://claude-web.test';

/**
 * The real app over an in-memory database with the real migrations, and the test user's
 * real Podman (used when sessions are closed).
 */
export async function createTestApp(
  options: {
    checks?: ReadinessCheck[];
    clock?: Clock & { advance(ms: number): void };
    proxy?: TrustedProxy;
    /** AUTH_PROXY_ADDRESSES: whose X-Forwarded-For names the client. */
    proxyAddresses?: string[];
  } = {},
) {
  const clock = options.clock ?? createFakeClock();
  const database = await createDb({ kind: 'pglite' });
  // User ids name containers on the Podman other tests share: apart from theirs.
  const start = 1_000_000 + Math.floor(Math.random() * 900_000);
  await database.db.execute(sql.raw(`alter table users alter column id restart with ${start}`));
  const users = createUsersRepository(database);
  const auth = createAuthService({
    users,
    authSessions: createAuthSessionsRepository(database),
    limiter: createLoginLimiter({ attempts: createLoginAttemptsRepository(database), clock }),
    clock,
  });
  const podman = createPodmanClient({ socketPath: testSocketPath() });
  const sessions = createSessionsRepository(database);
  const sessionsService = createSessionsService({ sessions, podman, clock });
  // Administration sees only the workspaces of this app's own users: other tests share Podman.
  const own = new Set<string>();
  const driver = testWorkspaces(podman);
  const workspaces = scopedTo(driver, (userId) => own.has(userId));
  const authSessions = createAuthSessionsRepository(database);
  const runs = createCleanupRunsRepository(database);
  const usage = createWorkspaceUsage();
  const notices = createNoticeBoard();
  const sweep = testSweep({ workspaces, database, clock, usage, notifier: notices });
  const cleanup = scheduleCleanup({
    sweep,
    runs,
    clock,
    log: pino({ level: 'silent' }),
    intervalHours: 1,
  });
  const management = createWorkspaceManagement({
    workspaces,
    podman,
    users,
    sessions,
    clock,
    idleHours: 24,
    image: testImage,
  });
  const app = createApp({
    sessionsService,
    clock,
    log: pino({ level: 'silent' }),
    checks: options.checks ?? [],
    version: '1.2.3',
    auth,
    publicOrigin: PUBLIC_ORIGIN,
    proxy: options.proxy,
    proxyAddresses: createProxyAddresses(options.proxyAddresses ?? []),
    cleanup,
    sessionCounts: () => sessions.countByStatus(),
    admin: { management, sweep, users, authSessions, sessions, clock },
  });
  return {
    app,
    clock,
    podman,
    auth,
    sessionsService,
    sessions,
    users,
    usage,
    notices,
    sweep,
    cleanup,
    /** Logs `username` in through the API; resolves the cookie header to send. */
    async login(username: string, password: string): Promise<string> {
      const res = await app.request('/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: PUBLIC_ORIGIN },
        body: JSON.stringify({ username, password }),
      });
      return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    },
    workspaces,
    async addUser(username: string, password: string, isAdmin = false) {
      const user = await users.create({
        username,
        passwordHash: await hashPassword(password),
        isAdmin,
        now: clock.now(),
      });
      own.add(String(user.id));
      return user;
    },
    close: async () => {
      cleanup.stop();
      await podman.close();
      await database.close();
    },
  };
}
