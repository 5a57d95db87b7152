import { can } from '@/lib/auth/permissions';
import type { AuditActor } from '../audit/log';
import { sessionFromHeaders } from '../auth/session';
import { verifyApiToken } from '../auth/api-tokens';
import { resolveShareToken, type ShareLink } from './share-links';

/** Who may download a report: a console session, a reports API token, or a share link (reports contract v1). */

export type ReportAccess =
  { ok: true; actor: AuditActor; share?: ShareLink } | { ok: false; status: 401 | 403 | 404; error: string };

export async function reportAccess(req: Request, shareToken: string | null): Promise<ReportAccess> {
  if (shareToken !== null) {
    const link = await resolveShareToken(shareToken);
    if (!link) return { ok: false, status: 404, error: 'Unknown, expired or revoked share link.' };
    return { ok: true, actor: { kind: 'share', id: link.id }, share: link };
  }
  const authz = req.headers.get('authorization');
  if (authz) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
    if (!m) return { ok: false, status: 401, error: 'Authorization must be "Bearer <token>".' };
    const v = await verifyApiToken(m[1]!, 'reports');
    if (!v)
      return { ok: false, status: 401, error: 'Unknown, expired or revoked API token, or one not scoped to reports.' };
    return { ok: true, actor: { kind: 'token', id: v.id, email: v.name } };
  }
  const user = await sessionFromHeaders(req.headers);
  if (!user)
    return {
      ok: false,
      status: 401,
      error: 'Sign in, or send an API token scoped to reports as Authorization: Bearer <token>.',
    };
  if (!can(user.role, 'reports:export'))
    return { ok: false, status: 403, error: `Your role (${user.role}) lacks the permission reports:export.` };
  return { ok: true, actor: { kind: 'user', id: user.id, email: user.email } };
}
