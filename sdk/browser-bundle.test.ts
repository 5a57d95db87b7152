import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('browser part of the SDK', () => {
  it('bundles for the browser with no Node built-ins and no zod at runtime', async () => {
    const out = await build({
      entryPoints: [path.join(import.meta.dirname, 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((i) => i.startsWith('node:') || /(^|\/)node_modules\/zod\//.test(i))).toEqual([]);
    expect(inputs.some((i) => i.includes('@openfeature/ofrep-web-provider'))).toBe(true);
    expect(out.outputFiles[0]!.text).not.toMatch(/from\s+["']node:/);
  });
});
