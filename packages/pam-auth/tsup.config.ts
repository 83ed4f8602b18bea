import { defineConfig } from 'tsup';

export default defineConfig({
  // `@lapps/pam-auth/lua` is its own entry: TypeScript-only users never load fengari.
  entry: { index: 'src/index.ts', 'lua/index': 'src/lua/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
