import { z } from 'zod';
import { ROLES, Role } from '@/lib/auth/permissions';
import { env } from '../env';

/** Single sign-on is on when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set. */
export function oidcConfigured(): boolean {
  const e = env();
  return Boolean(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET);
}

/**
 * OIDC_ROLE_MAP: `group=role` pairs separated by commas, e.g.
 * `swarmdeck-admins=admin,noc=operator,partners=viewer`. A user in several mapped groups gets the
 * strongest role; a user in none is refused (unless OIDC_DEFAULT_ROLE names one).
 */
export function parseRoleMap(raw: string | undefined): Map<string, Role> {
  const map = new Map<string, Role>();
  for (const pair of (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = pair.lastIndexOf('=') >= 0 ? pair.lastIndexOf('=') : pair.lastIndexOf(':');
    if (i <= 0) throw new Error(`OIDC_ROLE_MAP entry "${pair}" is not group=role`);
    const group = pair.slice(0, i).trim();
    const role = Role.safeParse(pair.slice(i + 1).trim());
    if (!role.success) throw new Error(`OIDC_ROLE_MAP entry "${pair}": role must be one of ${ROLES.join(', ')}`);
    map.set(group, role.data);
  }
  return map;
}

/** The strongest role the token's groups map to, or the default, or null. */
export function roleFromClaims(
  claims: Record<string, unknown>,
  opts: { roleMap: Map<string, Role>; groupsClaim?: string; defaultRole?: Role | null },
): Role | null {
  const raw = claims[opts.groupsClaim ?? 'groups'];
  const groups = Array.isArray(raw)
    ? raw.filter((g): g is string => typeof g === 'string')
    : typeof raw === 'string'
      ? raw.split(/[\s,]+/)
      : [];
  let best = -1;
  for (const g of groups) {
    const role = opts.roleMap.get(g);
    if (role) best = Math.max(best, ROLES.indexOf(role));
  }
  if (best >= 0) return ROLES[best]!;
  return opts.defaultRole ?? null;
}

export const OidcExtraEnv = z.object({
  OIDC_ROLE_MAP: z.string().optional(),
  OIDC_GROUPS_CLAIM: z.string().default('groups'),
  OIDC_DEFAULT_ROLE: Role.optional(),
  OIDC_REDIRECT_URL: z.url().optional(),
  /** `1`: the IdP only issues addresses its users own, so a token without `email_verified: true` is accepted. */
  OIDC_TRUST_EMAIL: z
    .enum(['0', '1', 'true', 'false', ''])
    .optional()
    .transform((v) => v === '1' || v === 'true'),
});
