import { defineConfig } from 'vitest/config';

/**
 * The fast layer: tests of pure policy, rendering, parsing and of what sits above the
 * project's own ports (in-memory workspaces and terminals), runnable alone
 * (`npm run test:fast`) in seconds on a machine without Podman. Its Podman socket does not
 * exist, so a test that reaches for the real runtime fails rather than passes by luck.
 */
const FAST = [
  'test/**/*.fast.test.ts',
  'test/auth/hashing-queue.test.ts',
  'test/auth/trusted-proxy.test.ts',
  'test/cleanup/policy.test.ts',
  'test/cleanup/schedule.test.ts',
  'test/cleanup/warnings.test.ts',
  'test/cli/arguments.test.ts',
  'test/config/config.test.ts',
  'test/errors/codes.test.ts',
  'test/http/errors.test.ts',
  'test/metrics/counters.test.ts',
  'test/podman/filters.test.ts',
  'test/podman/quiet-streams.test.ts',
  'test/quadlet/render.test.ts',
  'test/readme.test.ts',
  'test/terminals/activity.test.ts',
  'test/terminals/bridge-counts.test.ts',
  'test/terminals/new-shell.test.ts',
  'test/terminals/protocol.test.ts',
  'test/terminals/session-order.test.ts',
  'test/tmux/*.test.ts',
  'test/workspaces/name-choice.test.ts',
  'test/workspaces/serialized.test.ts',
  'test/workspaces/start-queue.test.ts',
  'test/workspaces/usage.test.ts',
];

export default defineConfig({
  test: {
    // Integration tests talk to real Podman and Postgres; starting a container or a
    // database takes seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Podman's rootless storage and the shared Postgres server are contended resources on
    // a two-core machine; a few files at a time keeps timings honest.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: FAST,
          env: { PODMAN_SOCKET: '/nonexistent/podman.sock' },
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', ...FAST],
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The end-to-end tests kill servers and reboot the shared systemd test host, so
        // they run alone, after everything else.
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
