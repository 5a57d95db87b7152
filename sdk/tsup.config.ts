import { defineConfig } from 'tsup';

/**
 * Two entries: `index` (browser-safe) and `node` (adds node:zlib and the OpenFeature server SDK), each as
 * ESM + CJS + declarations. Peer dependencies stay imports; the report type is the package's own
 * (sdk/report.ts), so the declarations reference nothing of the console.
 */
export default defineConfig({
  entry: { index: 'index.ts', node: 'node.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
  outDir: 'dist',
  splitting: false,
  treeshake: true,
  tsconfig: 'tsconfig.build.json',
});
