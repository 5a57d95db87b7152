import { API_CSP, SECURITY_HEADERS } from './lib/security-headers.mjs';

/** @type {import('next').NextConfig} */
const config = {
  // chdb is a native addon holding one data directory per process: it must be required at run time, never bundled.
  serverExternalPackages: ['chdb', '@clickhouse/client', '@ip-location-db/asn', '@ip-location-db/geo-whois-asn-country', 'pdfkit', 'exceljs'],
  // Tests and parallel builds use their own output folder so they never fight a running dev server.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  poweredByHeader: false,
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
