import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    // Not `clean: true`: tsup builds both configs at once, and cleaning dist/ here could delete the
    // browser bundle the other one is writing.
    clean: false,
    target: 'es2022',
  },
  {
    // One file a page can import with no bundler: cbor-x is bundled in (its browser build).
    entry: { 'lapps-client': 'src/index.ts' },
    outDir: 'dist/browser',
    format: ['esm'],
    platform: 'browser',
    noExternal: ['cbor-x'],
    dts: false,
    sourcemap: true,
    minify: true,
    clean: false,
    target: 'es2022',
  },
]);
