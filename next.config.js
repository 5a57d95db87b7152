/** Headers every response carries; the page CSP (with a per-request nonce) and HSTS come from proxy.ts. */
const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
];

/** Machine routes answer JSON, CSV, PDF … and never need to run anything in a browser. */
const API_CSP = { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" };

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
