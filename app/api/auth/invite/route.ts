import { z } from 'zod';
import { crossSiteRefusal, NO_STORE, readBody, withSessionCookie } from '@/server/auth/http';
import { acceptInvite } from '@/server/auth/invites';
import { MIN_PASSWORD_LENGTH } from '@/server/auth/passwords';

export const dynamic = 'force-dynamic';

const Body = z.object({
  token: z.string().max(200),
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `The password needs at least ${MIN_PASSWORD_LENGTH} characters.`)
    .max(1024),
});

/** Accept an invitation: set the password once, then sign in. */
export async function POST(req: Request) {
  const refused = crossSiteRefusal(req);
  if (refused) return refused;
  const body = await readBody(req);
  if (body instanceof Response) return body;
  const parsed = Body.safeParse(body);
  if (!parsed.success)
    return Response.json(
      { error: parsed.error.issues[0]?.message ?? 'Invalid request.' },
      { status: 400, headers: NO_STORE },
    );
  const accepted = await acceptInvite(parsed.data.token, parsed.data.password);
  if (!accepted)
    return Response.json(
      { error: 'This invitation link is invalid, used or expired. Ask an admin for a new one.' },
      { status: 404, headers: NO_STORE },
    );
  return withSessionCookie(req, accepted.userId, { ok: true });
}
