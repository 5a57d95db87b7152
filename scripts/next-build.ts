import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/**
 * The benchmarks' and the soak's production build: built into its own dist folder (NEXT_DIST_DIR) unless
 * one is there already or the caller was told `--no-build`.
 */
export function ensureBuild(dist: string, opts: { skip?: boolean; log?: (line: string) => void } = {}): void {
  if (opts.skip || fs.existsSync(path.join(root, dist, 'BUILD_ID'))) return;
  (opts.log ?? console.log)(`building into ${dist}/ …`);
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: root,
    env: { ...process.env, NEXT_DIST_DIR: dist },
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('next build failed');
}
