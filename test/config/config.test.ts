import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config/load-config.js';
import { variables } from '../../src/config/variables.js';
import { isAppError } from '../../src/errors/app-error.js';

const base = { uid: 1000, homeDir: '/home/op' };
const load = (env: Record<string, string>, envFile?: string) =>
  loadConfig({ ...base, env, envFile });

describe('defaults', () => {
  it('needs no variable at all', () => {
    expect(load({})).toEqual({
      cleanup: { idleHours: 24, intervalHours: 1 },
      database: { kind: 'pglite', dataDir: '/home/op/.local/share/claude-web/db' },
      podman: {
        socketPath: '/run/user/1000/podman/podman.sock',
        clientEnv: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/home/op' },
        answerTimeoutMs: 30_000,
      },
      dataDir: '/home/op/.local/share/claude-web',
      listen: { host: '127.0.0.1', port: 3000 },
      publicOrigin: 'http://127.0.0.1:3000',
      workspace: {
        driver: 'auto',
        quadletDir: '/home/op/.config/containers/systemd',
        stopTimeoutSeconds: 10,
        image: 'localhost/claude-web-workspace:latest',
        baseImage: undefined,
        sudo: true,
        limits: { memoryBytes: 4 * 1024 ** 3, cpus: 2, pidsLimit: 2048 },
      },
      proxyAddresses: ['127.0.0.1', '::1'],
      logLevel: 'info',
      terminal: {
        attach: 'exec',
        scrollbackLines: 10_000,
        keepaliveMs: 30_000,
        deflateThreshold: 1024,
      },
    } satisfies Config);
  });

  it('derives the public address from the listening one', () => {
    expect(load({ LISTEN_HOST: '0.0.0.0', LISTEN_PORT: '8080' }).publicOrigin).toBe(
      'http://0.0.0.0:8080',
    );
  });

  it('follows the XDG directories of the account', () => {
    const config = load({
      XDG_RUNTIME_DIR: '/run/user/42',
      XDG_DATA_HOME: '/data',
      XDG_CONFIG_HOME: '/cfg',
    });
    expect(config.podman.socketPath).toBe('/run/user/42/podman/podman.sock');
    expect(config.dataDir).toBe('/data/claude-web');
    expect(config.workspace.quadletDir).toBe('/cfg/containers/systemd');
  });

  it('treats an empty value as unset', () => {
    expect(load({ CONTAINER_CLEANUP_HOURS: '', DATABASE_URL: ' ' }).cleanup.idleHours).toBe(24);
  });
});

type Case = [variable: string, value: string, pick: (c: Config) => unknown, expected: unknown];
const accepted: Case[] = [
  ['CONTAINER_CLEANUP_HOURS', '48', (c) => c.cleanup.idleHours, 48],
  ['CONTAINER_CLEANUP_HOURS', '0.5', (c) => c.cleanup.idleHours, 0.5],
  ['CONTAINER_CLEANUP_INTERVAL_HOURS', '0.25', (c) => c.cleanup.intervalHours, 0.25],
  ['CONTAINER_CLEANUP_INTERVAL_HOURS', ' 6 ', (c) => c.cleanup.intervalHours, 6],
  ['CONTAINER_MAX_AGE_HOURS', 'off', (c) => c.cleanup.maxAgeHours, undefined],
  ['WORKSPACE_SUDO', 'off', (c) => c.workspace.sudo, false],
  ['WORKSPACE_SUDO', 'on', (c) => c.workspace.sudo, true],
  ['CONTAINER_MAX_AGE_HOURS', '168', (c) => c.cleanup.maxAgeHours, 168],
  ['CONTAINER_MAX_AGE_HOURS', '0.5', (c) => c.cleanup.maxAgeHours, 0.5],
  [
    'DATABASE_URL',
    'postgres://u:p@db:5432/cw',
    (c) => c.database,
    { kind: 'postgres', url: 'postgres://u:p@db:5432/cw' },
  ],
  ['DATABASE_URL', 'postgresql://db/cw', (c) => c.database.kind, 'postgres'],
  [
    'PODMAN_SOCKET',
    '/run/podman/podman.sock',
    (c) => c.podman.socketPath,
    '/run/podman/podman.sock',
  ],
  ['PODMAN_SOCKET', 'unix:///tmp/p.sock', (c) => c.podman.socketPath, '/tmp/p.sock'],
  ['PODMAN_ANSWER_TIMEOUT', '2.5', (c) => c.podman.answerTimeoutMs, 2_500],
  ['PODMAN_ANSWER_TIMEOUT', '600', (c) => c.podman.answerTimeoutMs, 600_000],
  [
    'DATA_DIR',
    '/srv/claude-web',
    (c) => [c.dataDir, c.database],
    ['/srv/claude-web', { kind: 'pglite', dataDir: '/srv/claude-web/db' }],
  ],
  ['LISTEN_HOST', '0.0.0.0', (c) => c.listen.host, '0.0.0.0'],
  [
    'PUBLIC_URL',
    'https://terminals.example.com/',
    (c) => c.publicOrigin,
    'https://terminals.example.com',
  ],
  ['PUBLIC_URL', 'http://localhost:8080', (c) => c.publicOrigin, 'http://localhost:8080'],
  ['LISTEN_PORT', '8080', (c) => c.listen.port, 8080],
  ['LISTEN_PORT', '0', (c) => c.listen.port, 0],
  [
    'WORKSPACE_IMAGE',
    'registry.example.com/team/ws:1.2',
    (c) => c.workspace.image,
    'registry.example.com/team/ws:1.2',
  ],
  ['WORKSPACE_BASE_IMAGE', 'localhost/base:1', (c) => c.workspace.baseImage, 'localhost/base:1'],
  ['WORKSPACE_DRIVER', 'quadlet', (c) => c.workspace.driver, 'quadlet'],
  ['WORKSPACE_DRIVER', 'libpod', (c) => c.workspace.driver, 'libpod'],
  ['QUADLET_DIR', '/srv/units', (c) => c.workspace.quadletDir, '/srv/units'],
  ['CONTAINER_STOP_TIMEOUT', '0', (c) => c.workspace.stopTimeoutSeconds, 0],
  ['CONTAINER_STOP_TIMEOUT', '30', (c) => c.workspace.stopTimeoutSeconds, 30],
  ['CONTAINER_MEMORY', '512m', (c) => c.workspace.limits.memoryBytes, 512 * 1024 ** 2],
  ['CONTAINER_MEMORY', '8G', (c) => c.workspace.limits.memoryBytes, 8 * 1024 ** 3],
  ['CONTAINER_MEMORY', '1073741824', (c) => c.workspace.limits.memoryBytes, 1024 ** 3],
  ['CONTAINER_CPUS', '0.5', (c) => c.workspace.limits.cpus, 0.5],
  [
    'CONTAINER_CPUS',
    'none',
    (c) => 'cpus' in c.workspace.limits && c.workspace.limits.cpus,
    undefined,
  ],
  ['CONTAINER_MEMORY', 'none', (c) => c.workspace.limits.memoryBytes, undefined],
  ['CONTAINER_PIDS_LIMIT', 'none', (c) => c.workspace.limits.pidsLimit, undefined],
  ['CONTAINER_PIDS_LIMIT', '100', (c) => c.workspace.limits.pidsLimit, 100],
  ['LOG_LEVEL', 'debug', (c) => c.logLevel, 'debug'],
  [
    'AUTH_PROXY_HEADER',
    'X-Forwarded-User',
    (c) => c.authProxy,
    { header: 'X-Forwarded-User', addresses: ['127.0.0.1', '::1'] },
  ],
  ['AUTH_PROXY_ADDRESSES', '10.0.0.0/8', (c) => c.authProxy, undefined],
  ['TERMINAL_ATTACH', 'pty', (c) => c.terminal.attach, 'pty'],
  ['TERMINAL_SCROLLBACK_LINES', '50000', (c) => c.terminal.scrollbackLines, 50_000],
  ['TERMINAL_KEEPALIVE_SECONDS', '1.5', (c) => c.terminal.keepaliveMs, 1500],
  ['TERMINAL_DEFLATE_THRESHOLD', '0', (c) => c.terminal.deflateThreshold, 0],
  ['TERMINAL_DEFLATE_THRESHOLD', 'none', (c) => c.terminal.deflateThreshold, undefined],
];

it('reads AUTH_PROXY_ADDRESSES as a list of addresses and ranges', () => {
  const config = load({
    AUTH_PROXY_HEADER: 'X-User',
    AUTH_PROXY_ADDRESSES: ' 10.0.0.0/8, 192.168.1.7 ,fd00::/8 ',
  });
  expect(config.authProxy).toEqual({
    header: 'X-User',
    addresses: ['10.0.0.0/8', '192.168.1.7', 'fd00::/8'],
  });
});

describe.each(accepted)('%s=%j', (variable, value, pick, expected) => {
  it('is accepted', () => {
    expect(pick(load({ [variable]: value }))).toEqual(expected);
  });
});

const refused: [variable: string, value: string][] = [
  ['CONTAINER_CLEANUP_HOURS', 'abc'],
  ['CONTAINER_CLEANUP_HOURS', '-1'],
  ['CONTAINER_CLEANUP_HOURS', '0'],
  ['CONTAINER_CLEANUP_HOURS', '24h'],
  ['CONTAINER_CLEANUP_HOURS', 'Infinity'],
  ['CONTAINER_CLEANUP_INTERVAL_HOURS', '0'],
  ['CONTAINER_CLEANUP_INTERVAL_HOURS', '-0.5'],
  ['CONTAINER_CLEANUP_INTERVAL_HOURS', 'hourly'],
  ['CONTAINER_MAX_AGE_HOURS', '0'],
  ['CONTAINER_MAX_AGE_HOURS', 'none'],
  ['WORKSPACE_SUDO', 'yes'],
  ['DATABASE_URL', 'mysql://db/cw'],
  ['DATABASE_URL', 'not a url'],
  ['PODMAN_SOCKET', 'podman.sock'],
  ['PODMAN_ANSWER_TIMEOUT', '0'],
  ['PODMAN_ANSWER_TIMEOUT', '601'],
  ['PODMAN_ANSWER_TIMEOUT', 'forever'],
  ['DATA_DIR', 'relative/dir'],
  ['PUBLIC_URL', 'terminals.example.com'],
  ['PUBLIC_URL', 'https://example.com/terminals'],
  ['PUBLIC_URL', 'ftp://example.com'],
  ['LISTEN_PORT', '65536'],
  ['LISTEN_PORT', '80.5'],
  ['LISTEN_PORT', 'http'],
  ['WORKSPACE_IMAGE', 'bad image name'],
  ['WORKSPACE_BASE_IMAGE', 'no spaces'],
  ['WORKSPACE_DRIVER', 'docker'],
  ['QUADLET_DIR', '~/.config/containers/systemd'],
  ['CONTAINER_STOP_TIMEOUT', '601'],
  ['CONTAINER_STOP_TIMEOUT', '-1'],
  ['CONTAINER_MEMORY', '1k'],
  ['CONTAINER_MEMORY', 'lots'],
  ['CONTAINER_CPUS', '0'],
  ['CONTAINER_CPUS', 'two'],
  ['CONTAINER_PIDS_LIMIT', '0'],
  ['CONTAINER_PIDS_LIMIT', '-5'],
  ['CONTAINER_PIDS_LIMIT', 'unlimited'],
  ['LOG_LEVEL', 'verbose'],
  ['AUTH_PROXY_HEADER', 'X Forwarded User'],
  ['AUTH_PROXY_HEADER', 'X-User:'],
  ['AUTH_PROXY_ADDRESSES', 'proxy.example.com'],
  ['AUTH_PROXY_ADDRESSES', '10.0.0.0/33'],
  ['AUTH_PROXY_ADDRESSES', '10.0.0.1/8/2'],
  ['AUTH_PROXY_ADDRESSES', ' , '],
  ['TERMINAL_ATTACH', 'ssh'],
  ['TERMINAL_SCROLLBACK_LINES', '999'],
  ['TERMINAL_SCROLLBACK_LINES', '1e6'],
  ['TERMINAL_KEEPALIVE_SECONDS', '0.5'],
  ['TERMINAL_KEEPALIVE_SECONDS', 'often'],
  ['TERMINAL_DEFLATE_THRESHOLD', '1k'],
];

describe.each(refused)('%s=%j', (variable, value) => {
  it('stops start-up with one line naming the variable and what is allowed', () => {
    const error = (() => {
      try {
        load({ [variable]: value });
      } catch (e) {
        return e;
      }
    })();
    expect(isAppError(error, 'config.invalid')).toBe(true);
    const allowed = variables[variable as keyof typeof variables].allowed;
    expect((error as Error).message).toBe(
      `${variable}=${JSON.stringify(value)} is invalid: expected ${allowed}`,
    );
  });
});

it('lists every bad variable, one per line', () => {
  expect(() => load({ CONTAINER_CLEANUP_HOURS: 'abc', LISTEN_PORT: '-1' })).toThrow(
    /^CONTAINER_CLEANUP_HOURS="abc" is invalid: .*\nLISTEN_PORT="-1" is invalid: .*$/,
  );
});

it('covers every variable with an accepted and a refused case', () => {
  const names = Object.keys(variables).filter((n) => n !== 'LISTEN_HOST');
  expect(new Set(accepted.map((c) => c[0]))).toEqual(new Set([...names, 'LISTEN_HOST']));
  expect(new Set(refused.map((c) => c[0]))).toEqual(new Set(names));
});

describe('.env file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'claude-web-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is read when present, and the environment wins over it', () => {
    const file = join(dir, '.env');
    writeFileSync(file, 'CONTAINER_CLEANUP_HOURS=12\nLISTEN_PORT=4000\n');
    const config = load({ LISTEN_PORT: '5000' }, file);
    expect(config.cleanup.idleHours).toBe(12);
    expect(config.listen.port).toBe(5000);
  });

  it('is optional', () => {
    expect(load({}, join(dir, 'absent.env')).cleanup.idleHours).toBe(24);
  });

  it('is validated like the environment', () => {
    const file = join(dir, 'bad.env');
    writeFileSync(file, 'CONTAINER_CLEANUP_INTERVAL_HOURS=0\n');
    expect(() => load({}, file)).toThrow(/^CONTAINER_CLEANUP_INTERVAL_HOURS="0" is invalid/);
  });
});
