/**
 * `npm run demo`: builds the console if needed, starts it on the embedded store with demo credentials,
 * and a simulated fleet beside it reporting through the real ingestion API and reading its P2P settings
 * over OFREP (scripts/simulate.ts).
 * Flags: --port N, --data DIR, --no-build, --backfill 7d (fill the last days first, through the
 * ingestion pipeline without HTTP, with a progress bar), --concurrency N (simulated viewers at the
 * evening peak, default 200), --no-sim, --fault SPEC (repeatable: a fault on purpose in one class's
 * p2p cohort, e.g. game_console:rebuffer+100% — the simulated fleet and the demo plan's virtual consoles
 * play it, and the guardrails hold the plan; see scripts/simulate.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { faultSpecsOf, parseFaults } from '../sim/fault';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '3000' },
    data: { type: 'string', default: process.env.SWARMDECK_DATA_DIR ?? './data' },
    'no-build': { type: 'boolean', default: false },
    backfill: { type: 'string' },
    concurrency: { type: 'string', default: '200' },
    'no-sim': { type: 'boolean', default: false },
    fault: { type: 'string', multiple: true },
  },
  strict: false,
});

const root = path.resolve(import.meta.dirname, '..');
const distDir = process.env.NEXT_DIST_DIR ?? '.next';

function days(spec: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(d|h)?$/.exec(spec.trim());
  if (!m) throw new Error(`--backfill takes a duration like 7d or 12h (got ${spec})`);
  return Number(m[1]) / (m[2] === 'h' ? 24 : 1);
}

if (!values['no-build'] || !fs.existsSync(path.join(root, distDir, 'BUILD_ID'))) {
  console.log('Building the console (next build)…');
  const b = spawnSync('npx', ['next', 'build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_DIST_DIR: distDir },
  });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const faultSpecs = faultSpecsOf(((values.fault ?? []) as (string | boolean)[]).map(String));
parseFaults(faultSpecs); // a typo stops here, before anything starts

const ingestKey = process.env.SWARMDECK_INGEST_KEY ?? 'demo-ingest-key-0001';
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  NEXT_DIST_DIR: distDir,
  PORT: String(values.port),
  SWARMDECK_DATA_DIR: String(values.data),
  SWARMDECK_DEMO: '1',
  UV_THREADPOOL_SIZE: '64',
  SWARMDECK_INGEST_KEY: ingestKey,
  SWARMDECK_REPORTS_TOKEN: process.env.SWARMDECK_REPORTS_TOKEN ?? 'demo-reports-token-0001',
  // The simulator sends each player's address in X-Forwarded-For from this machine.
  TRUSTED_PROXIES: [process.env.TRUSTED_PROXIES, '127.0.0.1', '::1'].filter(Boolean).join(','),
  ...(faultSpecs.length ? { SWARMDECK_DEMO_FAULT: faultSpecs.join(',') } : {}),
};

if (typeof values.backfill === 'string') {
  // Before the server starts, the store is free: the CLI opens it directly and shows a progress bar.
  console.log(`Backfilling the last ${values.backfill} of simulated fleet data…`);
  const b = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/cli.ts',
      'demo:backfill',
      `--days=${days(values.backfill)}`,
      `--concurrency=${values.concurrency}`,
    ],
    { cwd: root, env, stdio: 'inherit' },
  );
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const children: ChildProcess[] = [];
let signIn = '';
let url = '';

const server = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
  cwd: root,
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
children.push(server);
readline.createInterface({ input: server.stdout! }).on('line', (line) => {
  console.log(line);
  const who = /sign in with\s+(\S+)\s+\/\s+(\S+)/.exec(line);
  if (who) signIn = `${who[1]} / ${who[2]}`;
  const listening = /listening on (http:\/\/\S+)/.exec(line);
  if (listening && !url) {
    url = listening[1]!;
    onListening();
  }
});

function onListening() {
  const port = new URL(url).port || '80';
  if (!values['no-sim']) {
    const sim = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/simulate.ts',
        '--url',
        `http://127.0.0.1:${port}`,
        '--key',
        ingestKey,
        '--concurrency',
        String(values.concurrency),
        ...faultSpecs.flatMap((f) => ['--fault', f]),
      ],
      { cwd: root, env: { ...process.env, SWARMDECK_INGEST_KEY: ingestKey }, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    children.push(sim);
    sim.on('exit', (code) => {
      if (code) console.error(`[demo] the simulator exited with ${code}; the console keeps running`);
    });
  }
  const bar = '─'.repeat(72);
  console.log(
    [
      bar,
      `Swarmdeck demo: ${url}`,
      signIn
        ? `Sign in with ${signIn}`
        : 'Sign in with the demo admin (admin@swarmdeck.local) whose password was printed at its first start;\n  a new one: npm run user:add -- --email you@example.com --role admin',
      values['no-sim']
        ? 'No simulator (--no-sim).'
        : `A simulated fleet (${values.concurrency} viewers at the evening peak, real ISP address ranges) reports every 10 s;\nthe Overview shows it within 30 s. Its players obey the rollout rules within ~30 s. A fresh demo store starts\nmid-rollout on every device class (proposed by the demo admin, approved by a demo approver — see Audit);\nchanges that raise exposure need a second approver: add one under Settings → Users.`,
      ...(faultSpecs.length
        ? [
            `FAULT ON PURPOSE in the p2p cohort: ${faultSpecs.join(', ')} — watch /rollouts hold (or roll back) the plan.`,
          ]
        : []),
      'All data here is simulated. Ctrl-C stops everything.',
      bar,
    ].join('\n'),
  );
}

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const c of children.slice().reverse()) if (c.exitCode === null) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.on('exit', (code) => {
  stop();
  process.exit(code ?? 0);
});
