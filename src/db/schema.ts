import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

// Every time is written by the application from its clock, never by `now()` in the
// database, so that tests with a fake clock see consistent times.
const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable('users', {
  /** Numeric, so it is always safe inside container, volume and unit names. */
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash'),
  isAdmin: boolean('is_admin').notNull().default(false),
  createdAt: at('created_at').notNull(),
  disabledAt: at('disabled_at'),
});

export const sessionStatus = pgEnum('session_status', ['active', 'detached', 'dead']);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    status: sessionStatus('status').notNull(),
    createdAt: at('created_at').notNull(),
    lastActivityAt: at('last_activity_at').notNull(),
    endedAt: at('ended_at'),
    endReason: text('end_reason'),
    /**
     * The last time the session's shell was known to run (its last attach). A workspace
     * started after it has lost that shell: the next attach makes a new one, and says so.
     */
    shellSeenAt: at('shell_seen_at'),
  },
  (t) => [
    index('sessions_user_status_idx').on(t.userId, t.status),
    // A name is taken only while its session lives; dead ones keep theirs for history.
    uniqueIndex('sessions_live_name_idx').on(t.userId, t.name).where(sql`${t.status} <> 'dead'`),
  ],
);

export const cleanupTrigger = pgEnum('cleanup_trigger', ['schedule', 'manual']);
export const cleanupOutcome = pgEnum('cleanup_outcome', ['running', 'ok', 'partial', 'failed']);

export const cleanupRuns = pgTable('cleanup_runs', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  trigger: cleanupTrigger('trigger').notNull(),
  dryRun: boolean('dry_run').notNull(),
  startedAt: at('started_at').notNull(),
  finishedAt: at('finished_at'),
  outcome: cleanupOutcome('outcome').notNull().default('running'),
  error: text('error'),
});

export const cleanupAction = pgEnum('cleanup_action', ['keep', 'remove']);
export const decisionResult = pgEnum('cleanup_decision_result', [
  'kept',
  'removed',
  'failed',
  'dry_run',
]);

export const cleanupDecisions = pgTable(
  'cleanup_decisions',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    runId: integer('run_id')
      .notNull()
      .references(() => cleanupRuns.id, { onDelete: 'cascade' }),
    containerName: text('container_name').notNull(),
    userId: integer('user_id'),
    action: cleanupAction('action').notNull(),
    reason: text('reason').notNull(),
    result: decisionResult('result').notNull(),
    error: text('error'),
    decidedAt: at('decided_at').notNull(),
  },
  (t) => [index('cleanup_decisions_run_idx').on(t.runId)],
);

/**
 * Logged-in browsers. The cookie holds a random token; only its SHA-256 is stored, so the
 * table alone cannot be used to log in.
 */
export const authSessions = pgTable(
  'auth_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
);

/**
 * Login attempts of the last window, counted by the login limiter. Kept in the database so
 * that a restart does not forget them and every server on one database shares them.
 */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    // Attempts come and go by the million over the years: bigint never runs out.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    username: text('username').notNull(),
    address: text('address').notNull(),
    at: at('at').notNull(),
  },
  (t) => [
    index('login_attempts_username_idx').on(t.username, t.at),
    index('login_attempts_at_idx').on(t.at),
  ],
);

/** What the server keeps between runs that belongs to no user: one value per key. */
export const serverState = pgTable('server_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
