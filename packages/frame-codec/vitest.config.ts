import { defineConfig } from 'vitest/config';

// The suite runs twice: with the optional native masking (bufferutil) and with the JavaScript
// fallback that browsers, Deno and installs without the addon use.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'native', include: ['test/**/*.test.ts'] } },
      { test: { name: 'js', include: ['test/**/*.test.ts'], env: { LAPPS_NO_BUFFERUTIL: '1' } } },
    ],
  },
});
