import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests talk to real Podman and Postgres; starting a container or a
    // database takes seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Podman's rootless storage and the shared Postgres server are contended resources on
    // a two-core machine; a few files at a time keeps timings honest.
    maxWorkers: 2,
  },
});
