import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Finds a Chromium without any download step: $CHROMIUM_PATH, Debian's /usr/bin/chromium, or the
 * browser shipped inside the @sparticuz/chromium npm package (installed by `npm install`).
 */
export async function launchBrowser(): Promise<Browser> {
  const common = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
  const explicit = process.env.CHROMIUM_PATH;
  for (const p of [explicit, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[]) {
    if (fs.existsSync(p)) return chromium.launch({ executablePath: p, headless: true, args: common });
  }
  let sparticuz: typeof import('@sparticuz/chromium').default;
  try {
    sparticuz = (await import('@sparticuz/chromium')).default;
  } catch {
    throw new Error(
      'No Chromium found for the browser tests. Run `npm install` (it brings @sparticuz/chromium), install Debian\'s `chromium` package, or set CHROMIUM_PATH.',
    );
  }
  const executablePath = await sparticuz.executablePath();
  // Its args are tuned for AWS Lambda; --single-process would end the browser with its last page.
  const args = sparticuz.args.filter((a) => a !== '--single-process');
  return chromium.launch({ executablePath, headless: true, args: [...args, ...common] });
}
