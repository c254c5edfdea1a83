import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * JSON lines (journald keeps them when run as a systemd unit). Commands whose stdout is
 * their result log to stderr.
 */
export function createLogger(options: { level: string; stream?: 'stdout' | 'stderr' }): Logger {
  const fd = options.stream === 'stderr' ? 2 : 1;
  return pino(
    { level: options.level, base: { service: 'claude-web' } },
    pino.destination({ fd, sync: true }),
  );
}
