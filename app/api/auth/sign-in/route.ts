import { z } from 'zod';
import { crossSiteRefusal, NO_STORE, readBody, withSessionCookie } from '@/server/auth/http';
import { clientKey } from '@/server/auth/request';
import { INVALID_SIGN_IN, LOCKED_SIGN_IN, signInWithPassword } from '@/server/auth/sign-in';

export const dynamic = 'force-dynamic';

const Body = z.object({ email: z.string().max(254), password: z.string().max(1024) });

export async function POST(req: Request) {
  const refused = crossSiteRefusal(req);
  if (refused) return refused;
  const body = await readBody(req);
  if (body instanceof Response) return body;
  const parsed = Body.safeParse(body);
  if (!parsed.success)
    return Response.json({ error: 'Send an email and a password.' }, { status: 400, headers: NO_STORE });
  const result = await signInWithPassword({ ...parsed.data, client: clientKey(req.headers) });
  if (!result.ok && result.reason === 'locked') {
    return Response.json(
      { error: LOCKED_SIGN_IN },
      { status: 429, headers: { ...NO_STORE, 'retry-after': String(result.retryAfterSeconds) } },
    );
  }
  if (!result.ok) return Response.json({ error: INVALID_SIGN_IN }, { status: 401, headers: NO_STORE });
  const u = result.user;
  return withSessionCookie(req, u.id, { ok: true, user: { id: u.id, email: u.email, name: u.name, role: u.role } });
}
