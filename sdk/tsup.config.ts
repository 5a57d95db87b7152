import { defineConfig } from 'tsup';

/**
 * Two entries: `index` (browser-safe) and `node` (adds node:zlib and the OpenFeature server SDK), each as
 * ESM + CJS + declarations. Peer dependencies stay imports; the report type is the package's own
 * (sdk/report.ts), so the declarations reference nothing of the console.
 */
export default defineConfig({
  entry: { index: 'index.ts', node: 'node.ts' },
  format: ['esm', 'cjs'],
  // Declarations with the package's own settings (not the console's tsconfig: no path aliases).
  dts: {
    compilerOptions: {
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      types: ['node'],
      strict: true,
      skipLibCheck: true,
      incremental: false,
      composite: false,
    },
  },
  clean: true,
  sourcemap: true,
  target: 'es2020',
  outDir: 'dist',
  splitting: false,
  treeshake: true,
});
