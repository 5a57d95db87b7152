import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DIST_DIR } from '../helpers/app';
import { signInPage } from '../helpers/auth';
import { launchBrowser } from '../helpers/browser';

/*
 * `npm run demo -- --backfill …` end to end on the built app: the backfill fills history through the
 * ingestion pipeline before the server starts, the server prints the URL and the demo sign-in, and the
 * simulator's live reports reach the store within 30 s (read through the CLI, which runs inside the server),
 * and the Overview shows figures to the demo admin in Chromium.
 */

const root = process.cwd();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmdeck-demo-'));
let demo: ChildProcess | undefined;
let out = '';

interface Totals {
  reports: number;
  sessions: number;
  cdn: number;
  p2pDown: number;
  p2pUp: number;
  newest: number;
}

function totals(since = 0): Totals {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', 'sim:totals', `--since=${since}`], {
    cwd: root,
    env: { ...process.env, SWARMDECK_DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`sim:totals failed:\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(line) as Totals;
}

afterAll(async () => {
  if (demo && demo.exitCode === null) {
    const exited = new Promise((r) => demo!.once('exit', r));
    demo.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('backfills, starts console + simulator, prints URL and sign-in; live data arrives within 30 s', async () => {
    if (!fs.existsSync(path.join(root, TEST_DIST_DIR, 'BUILD_ID'))) throw new Error(`no build in ${TEST_DIST_DIR}/`);
    demo = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/demo.ts',
        '--no-build',
        '--port',
        '0',
        '--data',
        dataDir,
        '--backfill',
        '6h',
        '--concurrency',
        '60',
      ],
      {
        cwd: root,
        env: { ...process.env, NEXT_DIST_DIR: TEST_DIST_DIR, HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    demo.stdout!.on('data', (d) => (out += String(d)));
    demo.stderr!.on('data', (d) => (out += String(d)));
    const banner = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no demo banner in 150 s:\n${out}`)), 150_000);
      const check = () => {
        const m = /Swarmdeck demo: (http:\/\/\S+)\n\s*Sign in with (\S+) \/ (\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      };
      demo!.stdout!.on('data', check);
      demo!.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${out}`)));
    });
    const startedAt = Date.now();
    expect(banner[2]).toBe('admin@swarmdeck.local');
    expect(out).toMatch(/backfill \[#{30}\] 100 %/);

    // The backfill: six hours of history, every report carrying its simulated client's ISP.
    const history = totals();
    expect(history.reports).toBeGreaterThan(500);
    expect(history.cdn).toBeGreaterThan(0);

    // The console answers at the printed URL.
    const health = await fetch(new URL('/api/health', banner[1]));
    expect(health.status).toBe(200);

    // Live: reports received after the server came up, within 30 s.
    let live = totals(startedAt);
    const deadline = startedAt + 30_000;
    while (live.reports === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 2_000));
      live = totals(startedAt);
    }
    expect(live.reports).toBeGreaterThan(0);
    expect(live.newest).toBeGreaterThan(startedAt - 60_000);
    // Its players evaluated their flags over OFREP (not the static fallback).
    const ofrepDeadline = Date.now() + 30_000;
    while (!/\[sim\] OFREP answers/.test(out) && Date.now() < ofrepDeadline)
      await new Promise((r) => setTimeout(r, 500));
    expect(out).toMatch(/\[sim\] OFREP answers: players follow the console's rollout rules/);
    expect(out).not.toMatch(/STATIC fallback/);

    // What a newcomer sees: sign in with the printed credentials; the Overview has figures.
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
      await signInPage(page, banner[1]!, banner[2]!, banner[3]!);
      await page.goto(`${banner[1]}/overview?range=24h`, { waitUntil: 'networkidle' });
      const sessions = page.locator('[data-testid="tile-sessions-value"]');
      await sessions.waitFor({ timeout: 30_000 });
      expect(await sessions.innerText()).toMatch(/[1-9]/);
      expect(await page.locator('[data-testid="overview-offload"] [data-testid=empty-state]').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
