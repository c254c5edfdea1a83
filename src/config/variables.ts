import { isIP } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';

/** What a default may depend on: the rest of the environment and the account running us. */
export interface DefaultContext {
  env: Readonly<Record<string, string | undefined>>;
  uid: number;
  homeDir: string;
}

export interface Variable<T> {
  description: string;
  /** The default as the README states it. */
  defaultText: string;
  default: (ctx: DefaultContext) => string | undefined;
  /** Completes "expected …" in the error for a bad value. */
  allowed: string;
  schema: z.ZodType<T, string>;
}

function variable<T>(spec: Variable<T>): Variable<T> {
  return spec;
}

const decimal = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?$|^\.\d+$/)
  .transform(Number);
const positiveNumber = decimal.pipe(z.number().positive().finite());
/** A limit, or `none` where the host cannot enforce one (no delegated cgroup controller). */
const orNone = <T>(schema: z.ZodType<T, string>) =>
  z.union([z.literal('none').transform(() => undefined), schema]);
const integer = z.string().trim().regex(/^\d+$/).transform(Number);
const units: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const byteSize = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^\d+[bkmg]?$/)
  .transform((s) => Number.parseInt(s, 10) * (units[s.replace(/^\d+/, '')] ?? 1))
  .pipe(z.number().min(6 * 1024 ** 2));
const absolutePath = z
  .string()
  .trim()
  .transform((s) => s.replace(/^unix:\/\//, ''))
  .refine(isAbsolute);
const postgresUrl = z
  .string()
  .trim()
  .refine((s) => URL.canParse(s) && /^postgres(ql)?:$/.test(new URL(s).protocol));

/** One IP address or CIDR range: 10.0.0.5, 10.0.0.0/8, ::1, fd00::/8. */
function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}
const addressList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== ''),
  )
  .refine((list) => list.length > 0 && list.every(isAddressOrRange));

function runtimeDir({ env, uid }: DefaultContext): string {
  return env.XDG_RUNTIME_DIR || `/run/user/${uid}`;
}

/**
 * Every setting claude-web reads from its environment (or `.env`), in one table: the
 * README documents exactly these, and nothing else in the program reads the environment.
 */
export const variables = {
  CONTAINER_CLEANUP_HOURS: variable({
    description:
      'Idle time after which a running workspace container is removed (volume kept). Fractions allowed.',
    defaultText: '24',
    default: () => '24',
    allowed: 'a number of hours greater than 0, such as 24 or 0.5',
    schema: positiveNumber,
  }),
  CONTAINER_CLEANUP_INTERVAL_HOURS: variable({
    description: 'How often the cleanup sweep runs. Fractions allowed.',
    defaultText: '1',
    default: () => '1',
    allowed: 'a number of hours greater than 0, such as 1 or 0.25',
    schema: positiveNumber,
  }),
  CONTAINER_MAX_AGE_HOURS: variable({
    description:
      'Uptime after which a running workspace container is removed whatever its activity (volume kept), or `off`. Fractions allowed.',
    defaultText: 'off',
    default: () => 'off',
    allowed: 'a number of hours greater than 0, such as 168, or off',
    schema: z.union([z.literal('off').transform(() => undefined), positiveNumber]),
  }),
  DATABASE_URL: variable({
    description:
      'PostgreSQL connection URL. When unset, an embedded PostgreSQL (PGlite) is kept in `DATA_DIR/db`.',
    defaultText: '(unset: embedded PGlite)',
    default: () => undefined,
    allowed: 'a postgres:// or postgresql:// URL',
    schema: postgresUrl,
  }),
  PODMAN_SOCKET: variable({
    description: 'Path of the rootless Podman API socket (libpod), with or without `unix://`.',
    defaultText: '`$XDG_RUNTIME_DIR/podman/podman.sock`',
    default: (ctx) => join(runtimeDir(ctx), 'podman', 'podman.sock'),
    allowed: 'an absolute path to a unix socket',
    schema: absolutePath,
  }),
  PODMAN_ANSWER_TIMEOUT: variable({
    description:
      'Seconds a call to the Podman API may wait for its answer to begin before it counts as an outage (`podman.unreachable`). A stop also gets its grace period. Work that takes as long as it takes (image builds, container creation, disk usage, removing a volume or an image, and the commands the server runs in a workspace, such as ending the tmux session of a deleted session) has no bound of its own: while it waits, Podman is pinged every this many seconds, and it ends as an outage when a ping goes unanswered this long.',
    defaultText: '30',
    default: () => '30',
    allowed: 'a number of seconds from 1 to 600',
    schema: positiveNumber.pipe(z.number().min(1).max(600)),
  }),
  DATA_DIR: variable({
    description: 'Where claude-web keeps its own state (the embedded database, generated files).',
    defaultText: '`$XDG_DATA_HOME/claude-web` (`~/.local/share/claude-web`)',
    default: ({ env, homeDir }) =>
      join(env.XDG_DATA_HOME || join(homeDir, '.local', 'share'), 'claude-web'),
    allowed: 'an absolute path',
    schema: absolutePath,
  }),
  LISTEN_HOST: variable({
    description: 'Address the HTTP server listens on.',
    defaultText: '127.0.0.1',
    default: () => '127.0.0.1',
    allowed: 'an IP address or host name',
    schema: z.string().trim().min(1),
  }),
  LISTEN_PORT: variable({
    description: 'TCP port the HTTP server listens on (0 picks a free one).',
    defaultText: '3000',
    default: () => '3000',
    allowed: 'a whole number from 0 to 65535',
    schema: integer.pipe(z.number().max(65535)),
  }),
  PUBLIC_URL: variable({
    description:
      'The address users open in the browser. Requests and WebSockets from any other origin are refused; an https address makes the login cookie Secure.',
    defaultText: '`http://LISTEN_HOST:LISTEN_PORT`',
    default: ({ env }) => `http://${env.LISTEN_HOST || '127.0.0.1'}:${env.LISTEN_PORT || '3000'}`,
    allowed: 'an http:// or https:// URL without a path',
    schema: z
      .string()
      .trim()
      .refine(
        (s) =>
          URL.canParse(s) && /^https?:$/.test(new URL(s).protocol) && new URL(s).pathname === '/',
      )
      .transform((s) => new URL(s).origin),
  }),
  AUTH_PROXY_HEADER: variable({
    description:
      'Trusted reverse-proxy mode: the request header in which the proxy passes the authenticated username (such as `X-Forwarded-User`). Unset: only the login form.',
    defaultText: '(unset: off)',
    default: () => undefined,
    allowed: 'an HTTP header name such as X-Forwarded-User',
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]+$/),
  }),
  AUTH_PROXY_ADDRESSES: variable({
    description:
      'Addresses or CIDR ranges the reverse proxy connects from, comma-separated. Only they may send `AUTH_PROXY_HEADER`, and their `X-Forwarded-For` names the client whose failed logins are counted.',
    defaultText: '127.0.0.1,::1',
    default: () => '127.0.0.1,::1',
    allowed: 'comma-separated IP addresses or CIDR ranges, such as 127.0.0.1,10.0.0.0/8',
    schema: addressList,
  }),
  WORKSPACE_IMAGE: variable({
    description: "Image of every user's workspace container, built from the `Containerfile`.",
    defaultText: 'localhost/claude-web-workspace:latest',
    default: () => 'localhost/claude-web-workspace:latest',
    allowed: 'an image reference',
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9._\-/:@]*$/i),
  }),
  WORKSPACE_BASE_IMAGE: variable({
    description:
      "Base image for building `WORKSPACE_IMAGE` when it is missing (the Containerfile's `BASE_IMAGE`). Unset: the Containerfile's default, a Debian image from a registry.",
    defaultText: '(unset)',
    default: () => undefined,
    allowed: 'an image reference',
    schema: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9._\-/:@]*$/i),
  }),
  WORKSPACE_DRIVER: variable({
    description:
      'How workspaces are run: `quadlet` (systemd user units), `libpod` (the Podman API alone), or `auto` (quadlet when a systemd user manager answers).',
    defaultText: 'auto',
    default: () => 'auto',
    allowed: 'one of auto, quadlet, libpod',
    schema: z.enum(['auto', 'quadlet', 'libpod']),
  }),
  WORKSPACE_SUDO: variable({
    description:
      "Whether `developer` may use `sudo` (and so `apt`) in a workspace: `on` gives workspaces the capabilities of Podman's default set and allows setuid; `off` drops every capability and sets NoNewPrivileges. Under rootless Podman the workspace's root is the account's own subordinate ids on the host, never host root.",
    defaultText: 'on',
    default: () => 'on',
    allowed: 'on or off',
    schema: z.enum(['on', 'off']).transform((v) => v === 'on'),
  }),
  QUADLET_DIR: variable({
    description: 'Where the quadlet driver writes workspace units.',
    defaultText: '`$XDG_CONFIG_HOME/containers/systemd` (`~/.config/containers/systemd`)',
    default: ({ env, homeDir }) =>
      join(env.XDG_CONFIG_HOME || join(homeDir, '.config'), 'containers', 'systemd'),
    allowed: 'an absolute path',
    schema: absolutePath,
  }),
  TERMINAL_ATTACH: variable({
    description:
      'How terminals attach: `exec` (the Podman API; about 2 MB per terminal) or `pty` (`podman exec -it` in a local pseudo-terminal; about 35 MB per terminal).',
    defaultText: 'exec',
    default: () => 'exec',
    allowed: 'one of exec, pty',
    schema: z.enum(['exec', 'pty']),
  }),
  TERMINAL_SCROLLBACK_LINES: variable({
    description:
      'Lines of history each terminal session keeps (in its tmux session) and brings back on every attach: after a reload, a reconnect or a restart of the server.',
    defaultText: '10000',
    default: () => '10000',
    allowed: 'a whole number of lines from 1000 to 1000000',
    schema: integer.pipe(z.number().min(1000).max(1_000_000)),
  }),
  TERMINAL_KEEPALIVE_SECONDS: variable({
    description:
      'How often the server pings every open terminal; one that misses two answers is closed and its session becomes `detached`. Below a reverse proxy’s idle timeout keeps quiet terminals open.',
    defaultText: '30',
    default: () => '30',
    allowed: 'a number of seconds from 1 to 3600',
    schema: positiveNumber.pipe(z.number().min(1).max(3600)),
  }),
  TERMINAL_DEFLATE_THRESHOLD: variable({
    description:
      'Terminal output frames of at least this many bytes are compressed (WebSocket permessage-deflate, which every browser offers); `none` turns compression off.',
    defaultText: '1024',
    default: () => '1024',
    allowed: 'a number of bytes, or none',
    schema: orNone(integer),
  }),
  CONTAINER_STOP_TIMEOUT: variable({
    description: 'Seconds a stopping workspace gets between SIGTERM and SIGKILL.',
    defaultText: '10',
    default: () => '10',
    allowed: 'a whole number of seconds from 0 to 600',
    schema: integer.pipe(z.number().max(600)),
  }),
  CONTAINER_MEMORY: variable({
    description: 'Memory limit of each workspace container (`k`, `m`, `g` suffixes), or `none`.',
    defaultText: '4g',
    default: () => '4g',
    allowed: 'a size of at least 6m, such as 512m or 4g, or none',
    schema: orNone(byteSize),
  }),
  CONTAINER_CPUS: variable({
    description: 'CPU limit of each workspace container, in CPUs (fractions allowed), or `none`.',
    defaultText: '2',
    default: () => '2',
    allowed: 'a number of CPUs greater than 0, such as 2 or 0.5, or none',
    schema: orNone(positiveNumber),
  }),
  CONTAINER_PIDS_LIMIT: variable({
    description: 'Maximum number of processes in each workspace container, or `none`.',
    defaultText: '2048',
    default: () => '2048',
    allowed: 'a whole number greater than 0, or none',
    schema: orNone(integer.pipe(z.number().positive())),
  }),
  LOG_LEVEL: variable({
    description: 'Log verbosity.',
    defaultText: 'info',
    default: () => 'info',
    allowed: 'one of fatal, error, warn, info, debug, trace, silent',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  }),
};

export type VariableName = keyof typeof variables;
export type Values = { [K in VariableName]: z.output<(typeof variables)[K]['schema']> };
