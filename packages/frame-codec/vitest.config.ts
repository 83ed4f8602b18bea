import { defineConfig } from 'vitest/config';

// The suite runs twice: with the optional native masking (bufferutil) and with the JavaScript
// fallback that browsers, Deno and installs without the addon use.
export default defineConfig({
  test: {
    // Property and byte-by-byte tests take 2-4 s while CI builds and tests other packages on the
    // same 2 cores; vitest's 5 s default then fails them on load alone.
    projects: [
      { test: { name: 'native', include: ['test/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'js',
          include: ['test/**/*.test.ts'],
          env: { LAPPS_NO_BUFFERUTIL: '1' },
          testTimeout: 30_000,
        },
      },
    ],
  },
});
