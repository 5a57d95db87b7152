/**
 * Page weight: `npm run bench:pages [-- --dist .next-bench-pages --no-build --runs 3 --files]`.
 *
 * Starts the production build (built into --dist unless it already holds one) with the real server on a
 * fresh store, sends the dashboards' test dataset through the real telemetry endpoint, and opens every
 * console page cold in Chromium (a new tab with the cache disabled, signed in as the admin). For each page
 * it prints the JavaScript Chromium transferred (every Script response's encoded bytes as its network log
 * counts them: compressed body plus headers) and the Largest Contentful Paint (median of --runs loads),
 * as ratios against the 250 KiB budget and against the sign-in page measured in the same run. --files
 * lists every script of every page (size, encoding, URL); a page that does not answer 200 fails the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { ensureBuild } from './next-build';
import { NAV } from '../components/shell/nav';

const { values: flags } = parseArgs({
  options: {
    dist: { type: 'string', default: '.next-bench-pages' },
    'no-build': { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    /** List every script of every page (URL, bytes, encoding). */
    files: { type: 'boolean', default: false },
  },
  strict: false,
});
const DIST = String(flags.dist);
const RUNS = Math.max(1, Number(flags.runs) || 1);
const BUDGET_KIB = 250;
const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
// startApp reads the build folder from this variable when its module loads.
process.env.SWARMDECK_TEST_DIST_DIR = DIST;

const { startApp } = await import('../tests/helpers/app');
const { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, signInPage } = await import('../tests/helpers/auth');
const { launchBrowser, watchPage } = await import('../tests/helpers/browser');
const { buildDataset, ENV, ingest, ISPS } = await import('../tests/integration/dashboards-fixture');

/** Every page of the navigation, and an ISP's detail page after the ISPs list. */
const PAGES = NAV.flatMap((n) => (n.href === '/isps' ? [n.href, `/isps/${ISPS[1].asn}`] : [n.href]));

interface Load {
  /** Script responses: bytes on the wire (headers + encoded body) and the encoded body alone. */
  jsWire: number;
  jsBody: number;
  scripts: number;
  encodings: Set<string>;
  /** The largest body sent without a content-encoding, in bytes. */
  plainMax: number;
  files: string[];
  lcp: number | null;
  problems: string[];
  /** The page itself did not answer 200: its figures are not a working page's. */
  broken: boolean;
}

/** One cold load of a page in a new tab of the context: cache disabled, every Script response counted. */
async function load(context: BrowserContext, url: string): Promise<Load> {
  const page = await context.newPage();
  const problems = watchPage(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const scripts = new Map<string, { url: string; headers: number; encoding: string }>();
  const result: Load = {
    jsWire: 0,
    jsBody: 0,
    scripts: 0,
    encodings: new Set(),
    plainMax: 0,
    files: [],
    lcp: null,
    problems,
    broken: false,
  };
  cdp.on('Network.responseReceived', (e) => {
    if (e.type !== 'Script') return;
    const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    scripts.set(e.requestId, {
      url: e.response.url,
      headers: e.response.encodedDataLength,
      encoding: h['content-encoding'] ?? 'identity',
    });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const s = scripts.get(e.requestId);
    if (!s) return;
    result.scripts++;
    result.jsWire += e.encodedDataLength;
    result.jsBody += e.encodedDataLength - s.headers;
    result.encodings.add(s.encoding);
    if (s.encoding === 'identity') result.plainMax = Math.max(result.plainMax, e.encodedDataLength - s.headers);
    result.files.push(`${(e.encodedDataLength / 1024).toFixed(1).padStart(7)} KiB  ${s.encoding.padEnd(8)} ${s.url}`);
  });
  const res = await page.goto(url, { waitUntil: 'networkidle' });
  result.broken = res?.status() !== 200;
  result.lcp = await page.evaluate(
    () =>
      new Promise<number | null>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries.length ? entries[entries.length - 1]!.startTime : null);
        }).observe({ type: 'largest-contentful-paint', buffered: true });
        setTimeout(() => resolve(null), 2000);
      }),
  );
  await page.close();
  return result;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.floor((v.length - 1) / 2)]!;
}

interface Row {
  page: string;
  jsWire: number;
  jsBody: number;
  scripts: number;
  lcp: number | null;
  encodings: Set<string>;
  plainMax: number;
  files: string[];
  problems: string[];
  broken: boolean;
}

async function measure(context: BrowserContext, base: string, pagePath: string): Promise<Row> {
  const loads: Load[] = [];
  for (let i = 0; i < RUNS; i++) loads.push(await load(context, `${base}${pagePath}`));
  return {
    page: pagePath,
    // Each cold load fetches the same chunks; if a load differs (a late lazy chunk), report the largest.
    jsWire: Math.max(...loads.map((l) => l.jsWire)),
    jsBody: Math.max(...loads.map((l) => l.jsBody)),
    scripts: Math.max(...loads.map((l) => l.scripts)),
    lcp: median(loads.map((l) => l.lcp).filter((x): x is number => x !== null)),
    encodings: new Set(loads.flatMap((l) => [...l.encodings])),
    plainMax: Math.max(...loads.map((l) => l.plainMax)),
    files: loads[0]!.files,
    problems: [...new Set(loads.flatMap((l) => l.problems))],
    broken: loads.some((l) => l.broken),
  };
}

const kib = (b: number) => b / 1024;
const fmt = (x: number | null, digits = 1) => (x === null ? '—' : x.toFixed(digits));
const ratio = (a: number | null, b: number | null) =>
  a === null || b === null || b === 0 ? '—' : `${(a / b).toFixed(2)}×`;

ensureBuild(DIST, { skip: Boolean(flags['no-build']) });
const app = await startApp({ env: { ...ADMIN_ENV, ...ENV } });
let failed = false;
try {
  await ingest(`${app.url}/api/v1/telemetry`, buildDataset(Date.now()).reports);
  const browser = await launchBrowser();
  try {
    const viewport = { width: 1440, height: 1000 };
    // Baseline: the sign-in page, the lightest page the app serves, opened without a session.
    const anonymous = await browser.newContext({ viewport });
    const baseline = await measure(anonymous, app.url, '/sign-in');
    await anonymous.close();

    const context = await browser.newContext({ viewport });
    const signIn = await context.newPage();
    await signInPage(signIn, app.url, ADMIN_EMAIL, ADMIN_PASSWORD);
    await signIn.close();
    const rows: Row[] = [];
    for (const p of PAGES) rows.push(await measure(context, app.url, p));
    await context.close();

    const encodings = new Set([baseline, ...rows].flatMap((r) => [...r.encodings]));
    console.log(
      `\nCold loads in Chromium (cache disabled), ${RUNS} per page, production build in ${DIST}/. ` +
        `JS = every Script response as Chromium's network log counts it (headers + body as sent; ` +
        `content-encoding: ${[...encodings].join(', ')}).`,
    );
    const plainMax = Math.max(...[baseline, ...rows].map((r) => r.plainMax));
    if (plainMax > 0)
      console.log(
        `Scripts of at most ${plainMax} B went without content-encoding (Next compresses bodies from 1 KiB on); ` +
          'every figure is what Chromium transferred.',
      );
    const header = ['page', 'JS KiB', 'body KiB', 'files', 'JS/budget', 'JS/sign-in', 'LCP ms', 'LCP/sign-in'];
    const line = (r: Row) => [
      r.page,
      fmt(kib(r.jsWire)),
      fmt(kib(r.jsBody)),
      String(r.scripts),
      ratio(kib(r.jsWire), BUDGET_KIB),
      ratio(r.jsWire, baseline.jsWire),
      fmt(r.lcp, 0),
      ratio(r.lcp, baseline.lcp),
    ];
    const table = [header, line(baseline), ...rows.map(line)];
    const widths = header.map((_, i) => Math.max(...table.map((t) => t[i]!.length)));
    for (const t of table)
      console.log(t.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
    if (flags.files)
      for (const r of [baseline, ...rows]) console.log(`\n${r.page}\n${[...r.files].sort().reverse().join('\n')}`);
    const over = rows.filter((r) => kib(r.jsWire) > BUDGET_KIB);
    console.log(
      over.length
        ? `\nOver the ${BUDGET_KIB} KiB budget: ${over.map((r) => r.page).join(', ')}`
        : `\nEvery console page is within the ${BUDGET_KIB} KiB budget (largest ${fmt(kib(Math.max(...rows.map((r) => r.jsWire))))} KiB).`,
    );
    for (const r of [baseline, ...rows]) {
      if (r.broken) failed = true;
      if (r.problems.length === 0 && !r.broken) continue;
      // A console error (say a hydration warning) is shown but leaves the figures standing; a page that
      // did not answer 200 fails the run.
      const what = r.broken ? 'did not answer 200: its figures are not a working page' : 'logged problems';
      console.log(`\n${r.page} ${what}:\n  ${r.problems.join('\n  ')}`);
    }
  } finally {
    await browser.close();
  }
} finally {
  await app.stop();
  fs.rmSync(app.dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
