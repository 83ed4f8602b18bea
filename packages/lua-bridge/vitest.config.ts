import { defineConfig } from 'vitest/config';

// fengari is an interpreter in JavaScript: the tests that move megabytes through Lua take seconds
// on a loaded 2-core CI machine.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 30000 },
});
