import type { CleanupSweep } from '../cleanup/sweep.js';
import type { Clock } from '../clock/clock.js';
import type { AuthSessionsRepository } from '../db/auth-sessions-repository.js';
import type { SessionsRepository } from '../db/sessions-repository.js';
import type { UsersRepository } from '../db/users-repository.js';
import type { WorkspaceDriver } from '../workspaces/driver.js';
import type { ImageBuilder } from '../workspaces/image-builder.js';
import type { WorkspaceManagement } from '../workspaces/management.js';
import type { CommandFlags } from './arguments.js';
import type { Output } from './output.js';

/**
 * What commands work with. Each dependency is opened on first use, so that a command that
 * needs only the database runs without Podman, and the other way round.
 */
export interface CliContext {
  out: Output;
  clock: Clock;
  flags: CommandFlags;
  /** Asks a yes/no question on the terminal; false when there is no terminal to ask on. */
  confirm(question: string): Promise<boolean>;
  workspaces(): Promise<WorkspaceDriver>;
  management(): Promise<WorkspaceManagement>;
  sweep(): Promise<CleanupSweep>;
  users(): Promise<UsersRepository>;
  authSessions(): Promise<AuthSessionsRepository>;
  sessions(): Promise<SessionsRepository>;
  /** Lines of progress of a long task, for the person waiting (stderr). */
  progress(line: string): void;
  /** The workspace image's builder, and the image (WORKSPACE_IMAGE). */
  images(): Promise<{ builder: ImageBuilder; image: string }>;
  /** Writes the image's build context into `dir`; resolves the npm tarballs and the version. */
  stageImageContext(
    dir: string,
    onProgress: (line: string) => void,
  ): Promise<{ tarballs: string[]; version: string }>;
}

/** A command; resolves its exit status when that is not plain success. */
export type Handler = (
  ctx: CliContext,
  args: Record<string, string>,
) => Promise<number | undefined>;
