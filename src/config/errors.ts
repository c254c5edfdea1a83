import { AppError } from '../errors/app-error.js';

export interface InvalidSetting {
  variable: string;
  value: string;
  allowed: string;
}

/** One line per invalid variable, naming it, what it was and what is allowed. */
export function invalidConfig(problems: InvalidSetting[]): AppError {
  const lines = problems.map(
    (p) => `${p.variable}=${JSON.stringify(p.value)} is invalid: expected ${p.allowed}`,
  );
  return new AppError('config.invalid', lines.join('\n'), {
    details: { variables: problems.map((p) => p.variable) },
  });
}

export function unreadableEnvFile(path: string, cause: unknown): AppError {
  return new AppError('config.env_file_unreadable', `cannot read ${path}: ${String(cause)}`, {
    cause,
    details: { path },
  });
}
