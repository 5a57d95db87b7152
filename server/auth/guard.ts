import { can, type Permission } from '@/lib/auth/permissions';
import { isCrossSite } from './request';
import { sessionFromHeaders, type SessionUser } from './session';

/**
 * The route-handler gate: the signed-in user when they hold the permission, otherwise the Response to
 * send (401 nobody signed in, 403 role lacks it or a cross-site POST). Usage:
 *
 *   const gate = await requirePermission(req, 'reports:export');
 *   if (gate instanceof Response) return gate;
 *   gate.user …
 */
export async function requirePermission(
  req: Request,
  permission: Permission,
): Promise<{ user: SessionUser } | Response> {
  const unsafe = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
  if (unsafe && isCrossSite(req)) return Response.json({ error: 'Cross-site request refused.' }, { status: 403 });
  const user = await sessionFromHeaders(req.headers);
  if (!user)
    return Response.json({ error: 'Sign in to continue.' }, { status: 401, headers: { 'cache-control': 'no-store' } });
  if (!can(user.role, permission)) {
    return Response.json(
      { error: `Your role (${user.role}) lacks the permission ${permission}.` },
      { status: 403, headers: { 'cache-control': 'no-store' } },
    );
  }
  return { user };
}

/** Same as requirePermission, but null instead of a 401 when nobody is signed in (for routes with another credential). */
export async function sessionWithPermission(
  req: Request,
  permission: Permission,
): Promise<{ user: SessionUser } | Response | null> {
  const user = await sessionFromHeaders(req.headers);
  if (!user) return null;
  return requirePermission(req, permission);
}
