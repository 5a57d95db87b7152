import { audit } from '@/server/audit/log';
import { clearingSession, crossSiteRefusal } from '@/server/auth/http';
import { endSessionFromHeaders } from '@/server/auth/session';

export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  const refused = crossSiteRefusal(req);
  if (refused) return refused;
  const user = await endSessionFromHeaders(req.headers);
  if (user) await audit({ actor: { kind: 'user', id: user.id, email: user.email }, action: 'auth.sign_out' });
  // A plain HTML form (no JS) gets a redirect; fetch callers get JSON.
  const wantsHtml = (req.headers.get('accept') ?? '').includes('text/html');
  return clearingSession(req, wantsHtml ? { location: '/sign-in' } : { body: { ok: true } });
}
