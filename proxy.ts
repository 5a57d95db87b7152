import { NextResponse, type NextRequest } from 'next/server';
import { isHttps } from './server/auth/request';
import { PATH_HEADER } from './server/auth/page-access';

/**
 * Per-request security headers for pages: a nonce-based Content-Security-Policy (Next.js reads the nonce
 * from the request's CSP header and puts it on its own scripts) and HSTS when the browser talks TLS
 * (directly, or through a trusted proxy's X-Forwarded-Proto). Static headers for everything live in
 * next.config.js; machine routes (/api, /ofrep) skip this and get a locked-down static CSP there.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const tls = isHttps({ url: request.url, headers: request.headers });
  const dev = process.env.NODE_ENV === 'development';
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // React and Tremor set style attributes, which nonces cannot cover.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? ' ws: wss:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(tls ? ['upgrade-insecure-requests'] : []),
  ].join('; ');

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('content-security-policy', csp);
  // The console layout checks the page's nav permission against this (a client's own copy is replaced).
  requestHeaders.set(PATH_HEADER, request.nextUrl.pathname);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('content-security-policy', csp);
  if (tls) response.headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains');
  return response;
}

export const config = {
  matcher: [
    // Prefetches too: they carry the path header the layout's page check reads.
    '/((?!api/|ofrep/|_next/static|_next/image|favicon.ico).*)',
  ],
};
