import { defineConfig } from 'vitest/config';

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
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          sequence: { groupOrder: 0 },
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
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
