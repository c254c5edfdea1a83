import { AppError } from '../errors/app-error.js';

export function invalidUserId(userId: string): AppError {
  const shown =
    userId.length > 40
      ? `${JSON.stringify(userId.slice(0, 40))}… (${userId.length} characters)`
      : JSON.stringify(userId);
  return new AppError(
    'workspace.invalid_user_id',
    `user id ${shown} cannot name a workspace: use 1 to 64 letters, digits, "-" or "_", starting with a letter or digit`,
    { details: { userId } },
  );
}
