import { defineConfig } from 'vitest/config';

// Files run one at a time: the conformance cases judge timing (fail-fast UTF-8 within ~500 ms),
// and the live fuzz and bad-client files load both cores of a CI machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60000,
    hookTimeout: 60000,
    fileParallelism: false,
  },
});
