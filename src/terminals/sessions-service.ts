import type { Clock } from '../clock/clock.js';
import { sessionErrors } from '../db/errors.js';
import type { Session, SessionsRepository } from '../db/sessions-repository.js';
import type { User } from '../db/users-repository.js';
import { TERMINAL_USER, tmuxKillCommand } from '../tmux/tmux.js';
import type { WorkspaceDriver } from '../workspaces/driver.js';
import { invalidSessionName } from './errors.js';
import { createSessionOrder } from './session-order.js';

export const MAX_SESSION_NAME = 64;

function checkName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  // Printable characters only: names end up in tab titles and logs.
  if (trimmed.length === 0 || trimmed.length > MAX_SESSION_NAME || /\p{Cc}/u.test(trimmed)) {
    throw invalidSessionName(MAX_SESSION_NAME);
  }
  return trimmed;
}

/** A user's terminal sessions. Every operation checks that the session is the caller's. */
export function createSessionsService({
  sessions,
  workspaces,
  clock,
}: {
  sessions: SessionsRepository;
  workspaces: Pick<WorkspaceDriver, 'run'>;
  clock: Clock;
}) {
  const order = createSessionOrder();

  /** Someone else's session is answered exactly like a missing one. */
  async function own(user: User, id: string): Promise<Session> {
    const session = await sessions.get(id);
    if (session.userId !== user.id || session.status === 'dead') throw sessionErrors.notFound(id);
    return session;
  }

  /** Ends the tmux session in the user's workspace, if the workspace runs. */
  async function endTmux(user: User, id: string): Promise<void> {
    await workspaces.run(String(user.id), tmuxKillCommand(id), { user: TERMINAL_USER });
  }

  return {
    own,
    list: (user: User) => sessions.listByUser(user.id),
    create: (user: User, name: unknown) =>
      sessions.create({ userId: user.id, name: checkName(name), now: clock.now() }),
    async rename(user: User, id: string, name: unknown) {
      await own(user, id);
      return sessions.rename(id, checkName(name));
    },
    /** Closes the session for good: its shell and programs end, and it is marked dead. */
    close(user: User, id: string) {
      return order.run(id, async () => {
        await own(user, id);
        await endTmux(user, id);
        return sessions.end(id, 'closed by its user', clock.now());
      });
    },
    /**
     * Runs `attach` (which creates the tmux session when it is missing) unless the session
     * has ended, in turn with closes of the same session: a close asked for meanwhile runs
     * after it and ends what it created.
     */
    whileLive<T>(user: User, id: string, attach: (session: Session) => Promise<T>): Promise<T> {
      return order.run(id, async () => attach(await own(user, id)));
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
