import { defineConfig } from 'tsup';

// One build for both entries: with two parallel builds, the one that cleans could delete the
// other's output. A hashbang in index.js is harmless (Node skips it in modules too).
export default defineConfig({
  // bench-worker: the load processes of `lapps bench --instances K`, forked by file name.
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
    'bench-worker': 'src/bench/bench-worker.ts',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  banner: { js: '#!/usr/bin/env node' },
});
