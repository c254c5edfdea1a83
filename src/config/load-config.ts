import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { type InvalidSetting, invalidConfig, unreadableEnvFile } from './errors.js';
import { type DefaultContext, type Values, type VariableName, variables } from './variables.js';

export type DatabaseConfig =
  | { kind: 'postgres'; url: string }
  // Without a data directory the embedded database lives in memory (tests).
  | { kind: 'pglite'; dataDir?: string };

export interface Config {
  cleanup: { idleHours: number; intervalHours: number; maxAgeHours?: number };
  database: DatabaseConfig;
  podman: {
    socketPath: string;
    /** What `podman` commands the server runs see of its environment (PATH, HOME…). */
    clientEnv: Record<string, string>;
    /** How long a call may wait for Podman's answer to begin (see PODMAN_ANSWER_TIMEOUT). */
    answerTimeoutMs: number;
  };
  dataDir: string;
  listen: { host: string; port: number };
  /** The origin browsers use, e.g. https://terminals.example.com. */
  publicOrigin: string;
  /** Trusted reverse-proxy authentication; absent when off. */
  authProxy?: { header: string; addresses: string[] };
  /** The reverse proxies in front of the server: their X-Forwarded-For names the client. */
  proxyAddresses: string[];
  workspace: {
    driver: Values['WORKSPACE_DRIVER'];
    quadletDir: string;
    stopTimeoutSeconds: number;
    image: string;
    baseImage?: string;
    /** WORKSPACE_SUDO: passwordless sudo for `developer`, and the capabilities it needs. */
    sudo: boolean;
    /** Absent where the operator chose `none`. */
    limits: { memoryBytes?: number; cpus?: number; pidsLimit?: number };
  };
  logLevel: Values['LOG_LEVEL'];
  terminal: {
    attach: Values['TERMINAL_ATTACH'];
    scrollbackLines: number;
    keepaliveMs: number;
    /** Frames from this size on are compressed; absent: no compression. */
    deflateThreshold?: number;
  };
}

export interface LoadConfigInput extends DefaultContext {
  /** A `.env` file; its values yield to those already in `env`. Absent file: ignored. */
  envFile?: string;
}

/**
 * Reads and validates every setting at once. Throws `config.invalid` listing each bad
 * variable on its own line, so start-up stops with a message the operator can act on.
 */
export function loadConfig(input: LoadConfigInput): Config {
  const env = { ...readEnvFile(input.envFile), ...input.env };
  const ctx: DefaultContext = { ...input, env };
  const problems: (InvalidSetting & { given: boolean })[] = [];
  const values: Partial<Record<VariableName, unknown>> = {};
  const entries = Object.entries(variables) as [VariableName, (typeof variables)[VariableName]][];
  for (const [name, spec] of entries) {
    const value = env[name];
    const given = value !== undefined && value.trim() !== '';
    const raw = given ? value : spec.default(ctx);
    if (raw === undefined) continue;
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else problems.push({ variable: name, value: raw, allowed: spec.allowed, given });
  }
  // A default derived from a bad setting (PUBLIC_URL from LISTEN_PORT) is not news.
  const reported = problems.some((p) => p.given) ? problems.filter((p) => p.given) : problems;
  if (reported.length > 0) throw invalidConfig(reported);
  return toConfig(values as Values, ctx);
}

function toConfig(v: Values, ctx: DefaultContext): Config {
  return {
    cleanup: {
      idleHours: v.CONTAINER_CLEANUP_HOURS,
      intervalHours: v.CONTAINER_CLEANUP_INTERVAL_HOURS,
      maxAgeHours: v.CONTAINER_MAX_AGE_HOURS,
    },
    database: v.DATABASE_URL
      ? { kind: 'postgres', url: v.DATABASE_URL }
      : { kind: 'pglite', dataDir: `${v.DATA_DIR}/db` },
    podman: {
      socketPath: v.PODMAN_SOCKET,
      clientEnv: podmanClientEnv(ctx),
      answerTimeoutMs: v.PODMAN_ANSWER_TIMEOUT * 1000,
    },
    dataDir: v.DATA_DIR,
    listen: { host: v.LISTEN_HOST, port: v.LISTEN_PORT },
    publicOrigin: v.PUBLIC_URL,
    authProxy: v.AUTH_PROXY_HEADER
      ? { header: v.AUTH_PROXY_HEADER, addresses: v.AUTH_PROXY_ADDRESSES }
      : undefined,
    proxyAddresses: v.AUTH_PROXY_ADDRESSES,
    workspace: {
      driver: v.WORKSPACE_DRIVER,
      quadletDir: v.QUADLET_DIR,
      stopTimeoutSeconds: v.CONTAINER_STOP_TIMEOUT,
      sudo: v.WORKSPACE_SUDO,
      image: v.WORKSPACE_IMAGE,
      baseImage: v.WORKSPACE_BASE_IMAGE,
      limits: {
        memoryBytes: v.CONTAINER_MEMORY,
        cpus: v.CONTAINER_CPUS,
        pidsLimit: v.CONTAINER_PIDS_LIMIT,
      },
    },
    logLevel: v.LOG_LEVEL,
    terminal: {
      attach: v.TERMINAL_ATTACH,
      scrollbackLines: v.TERMINAL_SCROLLBACK_LINES,
      keepaliveMs: v.TERMINAL_KEEPALIVE_SECONDS * 1000,
      deflateThreshold: v.TERMINAL_DEFLATE_THRESHOLD,
    },
  };
}

function podmanClientEnv({ env, homeDir }: DefaultContext): Record<string, string> {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  return {
    PATH: env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: homeDir,
    ...(runtimeDir ? { XDG_RUNTIME_DIR: runtimeDir } : {}),
  };
}

function readEnvFile(path: string | undefined): Record<string, string> {
  if (!path) return {};
  try {
    return parseDotenv(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw unreadableEnvFile(path, error);
  }
}
