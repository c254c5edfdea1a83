import type { CommandName } from './arguments.js';
import { cleanupCommands } from './cleanup.js';
import { containerCommands } from './containers.js';
import type { Handler } from './context.js';
import { imageCommands } from './image.js';
import { sessionCommands } from './sessions.js';
import { userCommands } from './users.js';
import { volumeCommands } from './volumes.js';

/** Every command but `serve`, by name. */
export const handlers = {
  ...containerCommands,
  ...cleanupCommands,
  ...volumeCommands,
  ...sessionCommands,
  ...userCommands,
  ...imageCommands,
} satisfies Record<Exclude<CommandName, 'serve'>, Handler>;

/** Exit statuses: what kind of thing went wrong, for scripts. */
export function exitStatus(code: string): number {
  if (code === 'cli.usage' || code === 'config.invalid') return 2;
  if (['podman.unreachable', 'db.unreachable', 'db.in_use'].includes(code)) return 3;
  if (code.endsWith('.not_found')) return 4;
  if (code === 'cli.not_confirmed') return 5;
  return 1;
}
