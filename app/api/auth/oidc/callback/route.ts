import { OIDC_COOKIE, finishOidc } from '@/server/auth/oidc';
import { oidcConfigured } from '@/server/auth/oidc-config';
import { isHttps } from '@/server/auth/request';
import { readCookie, sealSession, sessionCookie } from '@/server/auth/session';

export const dynamic = 'force-dynamic';

export async function GET(req: Request) {
  if (!oidcConfigured()) return Response.json({ error: 'Single sign-on is not configured.' }, { status: 404 });
  const secure = isHttps(req);
  const headers = new Headers({ 'cache-control': 'no-store' });
  headers.append(
    'set-cookie',
    [
      `${OIDC_COOKIE}=`,
      'Path=/api/auth/oidc',
      'HttpOnly',
      'SameSite=Lax',
      'Max-Age=0',
      ...(secure ? ['Secure'] : []),
    ].join('; '),
  );
  const result = await finishOidc(req, readCookie(req.headers, OIDC_COOKIE));
  if (!result.ok) {
    headers.set('location', `/sign-in?error=${result.reason === 'no_role' ? 'sso_role' : 'sso'}`);
    return new Response(null, { status: 303, headers });
  }
  headers.append('set-cookie', sessionCookie(await sealSession(result.user.id), { secure }));
  headers.set('location', result.next);
  return new Response(null, { status: 303, headers });
}
