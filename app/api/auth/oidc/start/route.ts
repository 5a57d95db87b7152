import { NextPath } from '@/server/auth/http';
import { OIDC_COOKIE, startOidc } from '@/server/auth/oidc';
import { oidcConfigured } from '@/server/auth/oidc-config';
import { isHttps } from '@/server/auth/request';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  if (!oidcConfigured()) return Response.json({ error: 'Single sign-on is not configured.' }, { status: 404 });
  const next = NextPath.parse(new URL(req.url).searchParams.get('next') ?? undefined);
  let started;
  try {
    started = await startOidc(req, next);
  } catch {
    return new Response(null, {
      status: 303,
      headers: { location: '/sign-in?error=sso', 'cache-control': 'no-store' },
    });
  }
  const cookie = [
    `${OIDC_COOKIE}=${started.cookie}`,
    'Path=/api/auth/oidc',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=600',
    ...(isHttps(req) ? ['Secure'] : []),
  ].join('; ');
  return new Response(null, {
    status: 303,
    headers: { location: started.url, 'set-cookie': cookie, 'cache-control': 'no-store' },
  });
}
