import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Real PAM runs its hashing on the thread pool: on a loaded 2-core CI machine a test of 20
  // logins takes seconds.
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
