import fs from 'node:fs';
import path from 'node:path';
import { API_CSP, SECURITY_HEADERS } from './lib/security-headers.mjs';

const distDir = process.env.NEXT_DIST_DIR || '.next';

/**
 * `next build` adds `<distDir>/types/**` to the include list of the tsconfig it checks with (an exact
 * string match, so no glob in tsconfig.json can pre-empt it). For any dist folder but `.next`, hand it a
 * tsconfig beside the project's (`<distDir>.tsconfig.json`, git-ignored; not inside the folder, which the
 * build empties first) that extends it and already lists those patterns, so a test or benchmark build
 * never leaves tsconfig.json changed.
 */
function tsconfigFor(dir) {
  if (dir === '.next' || path.isAbsolute(dir) || dir.includes('/')) return undefined;
  const file = `${dir}.tsconfig.json`;
  const base = JSON.parse(fs.readFileSync('tsconfig.json', 'utf8'));
  const config = {
    extends: './tsconfig.json',
    compilerOptions: { plugins: [{ name: 'next' }] },
    include: [...new Set([...(base.include ?? []), `${dir}/types/**/*.ts`, `${dir}/dev/types/**/*.ts`])],
    exclude: base.exclude ?? ['node_modules'],
  };
  const text = `${JSON.stringify(config, null, 2)}\n`;
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
  return file;
}

/** @type {import('next').NextConfig} */
const config = {
  // chdb is a native addon holding one data directory per process: it must be required at run time, never bundled.
  serverExternalPackages: [
    'chdb',
    '@clickhouse/client',
    '@ip-location-db/asn',
    '@ip-location-db/geo-whois-asn-country',
    'pdfkit',
    'exceljs',
  ],
  // Tests and parallel builds use their own output folder so they never fight a running dev server.
  distDir,
  typescript: { tsconfigPath: tsconfigFor(distDir) },
  poweredByHeader: false,
  // Recharts imports react-smooth for animations no chart of the console runs: see the stand-in's comment.
  turbopack: { resolveAlias: { 'react-smooth': './components/charts/no-animation.tsx' } },
  reactStrictMode: true,
  async headers() {
    return [
      { source: '/:path*', headers: SECURITY_HEADERS },
      { source: '/api/:path*', headers: [API_CSP] },
      { source: '/ofrep/:path*', headers: [API_CSP] },
    ];
  },
};

export default config;
