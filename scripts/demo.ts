/**
 * `npm run demo`: builds the console if needed, starts it on the embedded store with demo credentials,
 * and (once the simulator lands) a simulated fleet reporting through the real ingestion API.
 * Flags: --port N, --data DIR, --no-build.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    data: { type: 'string', default: process.env.SWARMDECK_DATA_DIR ?? './data' },
    'no-build': { type: 'boolean', default: false },
  },
  strict: false,
});

const root = path.resolve(import.meta.dirname, '..');
const distDir = process.env.NEXT_DIST_DIR ?? '.next';

if (!values['no-build'] || !fs.existsSync(path.join(root, distDir, 'BUILD_ID'))) {
  console.log('Building the console (next build)…');
  const b = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_DIST_DIR: distDir } });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const env = {
  ...process.env,
  NODE_ENV: 'production' as const,
  NEXT_DIST_DIR: distDir,
  PORT: String(values.port),
  SWARMDECK_DATA_DIR: String(values.data),
  SWARMDECK_DEMO: '1',
  UV_THREADPOOL_SIZE: '64',
  SWARMDECK_INGEST_KEY: process.env.SWARMDECK_INGEST_KEY ?? 'demo-ingest-key-0001',
  SWARMDECK_REPORTS_TOKEN: process.env.SWARMDECK_REPORTS_TOKEN ?? 'demo-reports-token-0001',
};

const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { cwd: root, env, stdio: 'inherit' });
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => process.exit(code ?? 0));
