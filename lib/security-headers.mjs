// Shared by next.config.js (every response Next serves) and server.ts's fast path for machine routes.

/** Headers every response carries; the page CSP (with a per-request nonce) and HSTS come from proxy.ts. */
export const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
];

/** Machine routes answer JSON, CSV, PDF … and never need to run anything in a browser. */
export const API_CSP = { key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'; sandbox" };
