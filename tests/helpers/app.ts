import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEST_DIST_DIR = process.env.SWARMDECK_TEST_DIST_DIR ?? '.next-test';

export interface RunningApp {
  url: string;
  dataDir: string;
  output(): string;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

/**
 * Starts the production build (`npm test` builds it into .next-test first) with the real server entry,
 * on a free port and a fresh data directory unless one is given.
 */
export async function startApp(opts: { env?: Record<string, string>; dataDir?: string } = {}): Promise<RunningApp> {
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, TEST_DIST_DIR, 'BUILD_ID'))) {
    throw new Error(
      `No production build in ${TEST_DIST_DIR}/: run \`npm test\` (it builds first) or \`NEXT_DIST_DIR=${TEST_DIST_DIR} npx next build\`.`,
    );
  }
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-app-'));
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_DIST_DIR: TEST_DIST_DIR,
      PORT: '0',
      HOST: '127.0.0.1',
      UV_THREADPOOL_SIZE: '64',
      SWARMDECK_DATA_DIR: dataDir,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${out}`)), 60_000);
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    dataDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      // A supervisor's grace period: the server ends itself within 15 s (its exit watchdog), so this
      // only fires if that failed too — and then the test goes on instead of hanging to its timeout.
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(kill);
    },
    async kill9() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
