import { can, type Permission, type Role } from '@/lib/auth/permissions';

/** Set by proxy.ts on every page request: the path being rendered (layouts are not told it otherwise). */
export const PATH_HEADER = 'x-swarmdeck-pathname';

/**
 * Whether a role may open a console page: the permission of the longest nav entry the path falls
 * under. Pages outside the nav are open to any signed-in user; their data is gated by the procedures.
 */
export function mayOpenPage(
  role: Role,
  pathname: string | null,
  nav: readonly { href: string; permission: Permission }[],
): boolean {
  if (!pathname) return true;
  const item = nav
    .filter((n) => pathname === n.href || pathname.startsWith(`${n.href}/`))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return item ? can(role, item.permission) : true;
}
