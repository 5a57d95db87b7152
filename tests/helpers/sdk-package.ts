import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface InstalledSdk {
  /** The throwaway app's directory (its node_modules holds the installed tarball). */
  appDir: string;
  tarball: string;
  /** The installed package's directory. */
  pkgDir: string;
  cleanup(): void;
}

/** Peer dependencies the throwaway app provides itself (from this repository's install, as symlinks). */
export const SDK_PEERS = [
  '@openfeature/web-sdk',
  '@openfeature/ofrep-web-provider',
  '@openfeature/server-sdk',
  '@openfeature/ofrep-provider',
  '@openfeature/core',
  'hls.js',
  'p2p-media-loader-core',
  'p2p-media-loader-hlsjs',
] as const;

/**
 * `npm pack`s sdk/ (its prepack builds dist/ with tsup) and installs the tarball into a new, empty app
 * directory the way a player team would: `npm install <tarball>`. The app provides the peer
 * dependencies; they are linked from this repository's node_modules instead of downloaded.
 */
export async function packAndInstallSdk(): Promise<InstalledSdk> {
  const root = process.cwd();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-sdk-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: path.join(root, 'sdk'),
    maxBuffer: 16 << 20,
  });
  // prepack's tsup log comes first on stdout (in colour where CI is set, so '[' appears in it): the
  // JSON array is what follows the line that is a lone '['.
  const start = stdout.search(/^\[$/m);
  if (start < 0) throw new Error(`npm pack printed no JSON array:\n${stdout}`);
  const packed = JSON.parse(stdout.slice(start)) as { filename: string }[];
  const tarball = path.join(work, packed[0]!.filename);
  const appDir = path.join(work, 'app');
  fs.mkdirSync(appDir);
  fs.writeFileSync(
    path.join(appDir, 'package.json'),
    JSON.stringify({ name: 'throwaway-player', private: true, type: 'module' }),
  );
  // --legacy-peer-deps: peers come from the links below, not from a registry.
  await run(
    'npm',
    ['install', '--offline', '--legacy-peer-deps', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
    { cwd: appDir },
  );
  for (const peer of SDK_PEERS) {
    const to = path.join(appDir, 'node_modules', peer);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', peer), to, 'dir');
  }
  return {
    appDir,
    tarball,
    pkgDir: path.join(appDir, 'node_modules', '@swarmdeck', 'player-sdk'),
    cleanup: () => fs.rmSync(work, { recursive: true, force: true }),
  };
}
