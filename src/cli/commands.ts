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
