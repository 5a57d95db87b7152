/**
 * Swarmdeck's HTTP server: Next.js behind a plain node:http server, so route handlers learn the socket's
 * peer address (for ASN enrichment and rate limits) and CLI tools reach the process that holds the
 * embedded store's lock through a loopback-only admin path.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import next from 'next';
import { env } from './server/env';
import { checkEnvironment } from './server/env-check';
import { closeStore, dataDir, storeMode } from './server/clickhouse/client';
import { ingestWriter } from './server/ingest/writer';
import { stampPeer } from './server/net/peer';
import {
  ADMIN_PATH,
  handleAdmin,
  removeServerHandle,
  writeServerHandle,
  type ServerHandle,
} from './server/cli/admin-endpoint';
import { startup } from './server/startup';
import { matchFastRoute, serveFast } from './server/http/fast-routes';
import { staticBrotli } from './server/http/static-brotli';
import { logger } from './server/observability/logger';
import { observeRequest } from './server/observability/http';
import { startBackupSchedule } from './server/store/backup';
import './server/cli/all';

async function main() {
  const dev = process.argv.includes('--dev');
  // Every variable at once, before anything else: a bad one stops the start with its name.
  checkEnvironment();
  const e = env();
  const log = logger();
  await startup((line) => log.info(line));

  const app = next({ dev, hostname: e.HOST, port: e.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  // The build's chunks in brotli for browsers that take it; Next serves gzip or identity otherwise.
  const brotli = dev ? null : staticBrotli(e.NEXT_DIST_DIR ?? '.next');

  let admin: ServerHandle | undefined;
  const server = http.createServer((req, res) => {
    stampPeer(req);
    if (admin && req.url?.startsWith(ADMIN_PATH)) {
      void handleAdmin(req, res, admin);
      return;
    }
    observeRequest(req, res, () => {
      const fast = dev ? null : matchFastRoute(req.method, req.url);
      if (fast) {
        void serveFast(fast, req, res);
        return;
      }
      if (brotli && req.url?.startsWith('/_next/static/')) {
        void brotli.serve(req, res).then((served) => {
          if (!served) void handle(req, res);
        });
        return;
      }
      void handle(req, res);
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(e.PORT, e.HOST, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : e.PORT;
  if (storeMode() === 'embedded') admin = writeServerHandle(dataDir(), port);
  startBackupSchedule();
  void brotli?.warm();
  const shown = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  log.info(
    `Swarmdeck ${dev ? '(dev) ' : ''}listening on http://${shown}:${port} — store: ${storeMode()}${storeMode() === 'embedded' ? ` at ${dataDir()}` : ''}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    server.close();
    server.closeAllConnections();
    if (storeMode() === 'embedded') removeServerHandle(dataDir());
    // A store busy with a long statement (a backup, a held query, a TTL mutation) must not keep the
    // process from ending. It gets a few seconds to close; and because the embedded engine can block this
    // thread in native code (closing, or its teardown inside exit() joining its own threads), a watchdog in
    // a separate process ends this one if it is still alive 15 s from now. Nothing acknowledged is at
    // stake: a report is acknowledged only once its insert committed.
    armExitWatchdog(15_000);
    // what was acknowledged into the landing table goes into telemetry_raw now (else the next start moves it)
    await ingestWriter()
      .flushLanded(4_000)
      .catch(() => {});
    await Promise.race([closeStore().catch(() => {}), new Promise((r) => setTimeout(r, 5_000).unref())]);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  logger().fatal(`Swarmdeck failed to start: ${(err as Error).message}`);
  process.exit(1);
});

/** A detached process that SIGKILLs this one after `ms` unless it has exited by then (it leaves as soon as it has). */
function armExitWatchdog(ms: number): void {
  const script = `const pid = ${process.pid}, end = Date.now() + ${ms};
setInterval(() => {
  try { process.kill(pid, 0); } catch { process.exit(0); }
  if (Date.now() >= end) { try { process.kill(pid, 'SIGKILL'); } catch {} process.exit(0); }
}, 250);`;
  try {
    spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // no watchdog: the clean path usually suffices
  }
}
