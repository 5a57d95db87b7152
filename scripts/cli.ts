/**
 * Runs one of the project's command-line tools: `tsx scripts/cli.ts <command> [--flag value …]`.
 * Opens the embedded store directly when it is free; when a running server holds its lock, the
 * command runs inside that server through its loopback admin path.
 */
import { closeStore, dataDir, store, storeMode, StoreError } from '../server/clickhouse/client';
import { ingestWriter } from '../server/ingest/writer';
import { migrate } from '../server/clickhouse/migrate';
import { checkEnvironment } from '../server/env-check';
import { ADMIN_PATH, readServerHandle } from '../server/cli/admin-endpoint';
import { CliUsageError, COMMANDS, runCommand } from '../server/cli/commands';
import '../server/cli/all';

function usage(): string {
  return [
    'Usage: npm run <command> -- [--flag value …]',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n}  ${c.description}`),
  ].join('\n');
}

async function viaServer(name: string, args: Record<string, unknown>): Promise<string[]> {
  const handle = readServerHandle(dataDir());
  if (!handle) {
    throw new Error(
      `The embedded store at ${dataDir()} is locked by another process, and no running Swarmdeck server was found for it. Stop that process and run the command again.`,
    );
  }
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${handle.port}${ADMIN_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${handle.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ command: name, args }),
    });
  } catch {
    throw new Error(
      `The embedded store is locked, and the server recorded for it (pid ${handle.pid}, port ${handle.port}) does not answer.`,
    );
  }
  const body = (await res.json()) as { lines?: string[]; error?: string };
  if (!res.ok) throw new Error(body.error ?? `server answered ${res.status}`);
  return body.lines ?? [];
}

/**
 * `--flag value`, `--flag=value` and bare `--flag` (true). node:util parseArgs without declared options
 * reads `--flag value` as a boolean plus a positional, so commands parse their own types with zod.
 */
function flagArgs(argv: string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--'))
      throw new CliUsageError(`Unexpected argument ${JSON.stringify(a)}: flags look like --name value`);
    const eq = a.indexOf('=');
    if (eq > 2) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) out[a.slice(2)] = argv[++i]!;
    else out[a.slice(2)] = true;
  }
  return out;
}

/**
 * Commands opening the store themselves apply pending migrations first, as the server does at start:
 * on a fresh data directory `user:add` would otherwise meet a store without its tables.
 */
async function migrateFirst(name: string): Promise<void> {
  if (name === 'migrate' || !(name in COMMANDS)) return;
  await migrate();
}

async function main() {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help') {
    console.log(usage());
    return;
  }
  const args = flagArgs(rest);
  checkEnvironment();
  let lines: string[];
  if (storeMode() === 'server') {
    await migrateFirst(name);
    lines = await runCommand(name, args);
  } else {
    try {
      await store();
      await migrateFirst(name);
      lines = await runCommand(name, args);
    } catch (err) {
      if (err instanceof StoreError && err.code === 'locked') {
        lines = await viaServer(name, args);
        lines.push('(ran inside the running server, which holds the embedded store)');
      } else throw err;
    }
  }
  for (const l of lines) console.log(l);
}

main()
  // a command that ingested (demo:backfill) leaves nothing in the landing table for the next start
  .then(() => ingestWriter().flushLanded())
  .then(() => closeStore())
  .catch(async (err) => {
    console.error(err instanceof CliUsageError ? `${err.message}\n\n${usage()}` : `error: ${(err as Error).message}`);
    await closeStore().catch(() => {});
    process.exit(1);
  });
