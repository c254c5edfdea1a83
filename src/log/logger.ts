import { pino } from 'pino';

export type Logger = pino.Logger;

/** JSON lines on stdout (journald keeps them when run as a systemd unit). */
export function createLogger(options: { level: string }): Logger {
  return pino({ level: options.level, base: { service: 'claude-web' } });
}
