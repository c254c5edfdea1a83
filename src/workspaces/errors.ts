import { AppError } from '../errors/app-error.js';

export function systemctlFailed(
  args: string[],
  exitCode: unknown,
  stderr: string,
  stdout = '',
): AppError {
  const command = `systemctl --user ${args.join(' ')}`;
  const message = stderr.trim() || stdout.trim() || 'no message';
  return new AppError('systemd.command_failed', `${command} failed (${exitCode}): ${message}`, {
    details: { args, exitCode, stderr, stdout },
  });
}

/** The name is taken by a workspace of another claude-web installation on the same account. */
export function foreignWorkspace(name: string, installation: string): AppError {
  return new AppError(
    'workspace.foreign',
    `${name} belongs to another claude-web installation (${installation}) on this Podman account; it is left alone`,
    { details: { name, installation } },
  );
}

export function startsBusy(waiting: number): AppError {
  return new AppError(
    'workspace.busy',
    `${waiting} workspaces are waiting to start; try again in a moment`,
    { details: { retryAfterSeconds: 5 } },
  );
}

export const imageContextErrors = {
  fetchFailed: (spec: string, cause: unknown) =>
    new AppError(
      'image.fetch_failed',
      `could not fetch ${spec} from npm for the workspace image: ${(cause as Error).message}`,
      { cause, details: { spec } },
    ),
};

export const managementErrors = {
  unknownUser: (ref: string) =>
    new AppError('user.not_found', `no user or workspace ${JSON.stringify(ref)}`, {
      details: { ref },
    }),
  volumeInUse: (volume: string, ref: string) =>
    new AppError(
      'volume.in_use',
      `${volume} still has a container; remove it first (claude-web containers rm ${ref})`,
      { details: { volume } },
    ),
  noContainer: (container: string, ref: string) =>
    new AppError('workspace.not_found', `${ref} has no container (${container}) right now`, {
      details: { container },
    }),
  volumeMissing: (volume: string) =>
    new AppError('volume.not_found', `there is no volume ${volume}`, { details: { volume } }),
};

export function notExecable(container: string, cause: unknown): AppError {
  return new AppError(
    'workspace.not_execable',
    `workspace ${container} started but accepts no commands`,
    {
      cause,
      details: { container },
    },
  );
}

export function imageMissingAfterBuild(image: string): AppError {
  return new AppError('image.build_failed', `building ${image} ended without the image`, {
    details: { image },
  });
}
