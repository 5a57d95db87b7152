import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Finds a Chromium without any download step: $CHROMIUM_PATH, Debian's /usr/bin/chromium, or the
 * browser shipped inside the @sparticuz/chromium npm package (installed by `npm install`).
 */
export async function launchBrowser(): Promise<Browser> {
  const common = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
  ];
  const explicit = process.env.CHROMIUM_PATH;
  for (const p of [explicit, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[]) {
    if (fs.existsSync(p)) return chromium.launch({ executablePath: p, headless: true, args: common });
  }
  let sparticuz: typeof import('@sparticuz/chromium').default;
  try {
    sparticuz = (await import('@sparticuz/chromium')).default;
  } catch {
    throw new Error(
      "No Chromium found for the browser tests. Run `npm install` (it brings @sparticuz/chromium), install Debian's `chromium` package, or set CHROMIUM_PATH.",
    );
  }
  const executablePath = await sparticuz.executablePath();
  // Its args are tuned for AWS Lambda; --single-process would end the browser with its last page.
  const args = sparticuz.args.filter((a) => a !== '--single-process');
  return chromium.launch({ executablePath, headless: true, args: [...args, ...common] });
}

/** A response a test provokes on purpose (e.g. a 403 from a refused call): not counted as a problem. */
export interface ExpectedResponse {
  status: number;
  /** Matched against the request URL's pathname. */
  path: string | RegExp;
}

/**
 * Watches a page for everything a user would see as broken: console errors, uncaught exceptions, any
 * answer of 400 or more and any failed request except an aborted one (navigation and React Query
 * cancel requests on purpose). Returns the list the test asserts empty; it fills as the page runs.
 */
export function watchPage(page: Page, opts: { expect?: ExpectedResponse[] } = {}): string[] {
  const problems: string[] = [];
  const expected = (url: string, status: number) => {
    const path = new URL(url).pathname;
    return (opts.expect ?? []).some(
      (e) => e.status === status && (typeof e.path === 'string' ? e.path === path : e.path.test(path)),
    );
  };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && !expected(r.url(), r.status()))
      problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    const failure = r.failure()?.errorText ?? 'failed';
    if (failure !== 'net::ERR_ABORTED') problems.push(`network ${failure} ${r.method()} ${r.url()}`);
  });
  return problems;
}
