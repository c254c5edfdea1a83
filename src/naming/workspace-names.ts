import { invalidUserId } from './errors.js';

/**
 * A user id becomes part of container, volume, unit and file names. Only letters, digits,
 * `-` and `_` (starting with a letter or digit, at most 64) can never escape a directory,
 * change a unit's type (`x.service`) or need quoting.
 */
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface WorkspaceNames {
  userId: string;
  container: string;
  volume: string;
  /** Quadlet files, and the systemd services the generator makes of them. */
  containerUnitFile: string;
  volumeUnitFile: string;
  containerService: string;
  volumeService: string;
}

export function isUserId(userId: string): boolean {
  return USER_ID.test(userId);
}

/** An installation id that can be part of a name (see `workspaceNames`). */
const INSTALLATION = /^[a-z0-9]{1,32}$/;

/**
 * Every name derived from a user id; throws `workspace.invalid_user_id` for an unsafe one.
 * The names are `claude-web-user-{id}…`; with `installation`, `claude-web-{installation}-user-{id}…`,
 * for a user whose plain names another installation on the same account holds.
 */
export function workspaceNames(userId: string, installation?: string): WorkspaceNames {
  if (!isUserId(userId)) throw invalidUserId(userId);
  if (installation !== undefined && (!INSTALLATION.test(installation) || installation === 'user'))
    throw new RangeError(`${JSON.stringify(installation)} cannot be part of a workspace name`);
  const container =
    installation === undefined
      ? `claude-web-user-${userId}`
      : `claude-web-${installation}-user-${userId}`;
  const volume = `${container}-data`;
  return {
    userId,
    container,
    volume,
    containerUnitFile: `${container}.container`,
    volumeUnitFile: `${volume}.volume`,
    containerService: `${container}.service`,
    volumeService: `${volume}-volume.service`,
  };
}

/** Labels on every container and volume claude-web creates; cleanup touches nothing else. */
export const LABEL_MANAGED = 'claude-web.managed';
export const LABEL_USER = 'claude-web.user';
/** The installation that made it (see workspaces/installation.ts); absent on older ones. */
export const LABEL_INSTALLATION = 'claude-web.installation';

export function workspaceLabels(userId: string, installation?: string): Record<string, string> {
  return {
    [LABEL_MANAGED]: 'true',
    [LABEL_USER]: userId,
    ...(installation === undefined ? {} : { [LABEL_INSTALLATION]: installation }),
  };
}
