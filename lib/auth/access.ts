// Without zod: the browser's sidebar and useCan read this; ./permissions adds the enums the server parses with.

/** Every permission the console knows. The server checks them; the UI hides what a role lacks. */
export const PERMISSIONS = [
  'dashboards:read',
  'reports:export',
  'rollouts:read',
  'audit:read',
  'rollouts:propose',
  'rollouts:kill',
  'reports:share',
  'rollouts:approve',
  'users:manage',
  'ingest-keys:manage',
  'api-tokens:manage',
  'settings:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const VIEWER: readonly Permission[] = ['dashboards:read', 'reports:export', 'rollouts:read', 'audit:read'];
const OPERATOR: readonly Permission[] = [...VIEWER, 'rollouts:propose', 'rollouts:kill', 'reports:share'];
const APPROVER: readonly Permission[] = [...OPERATOR, 'rollouts:approve'];
const ADMIN: readonly Permission[] = [
  ...APPROVER,
  'users:manage',
  'ingest-keys:manage',
  'api-tokens:manage',
  'settings:manage',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: new Set(VIEWER),
  operator: new Set(OPERATOR),
  approver: new Set(APPROVER),
  admin: new Set(ADMIN),
};

export function can(role: Role | null | undefined, permission: Permission): boolean {
  return role ? ROLE_PERMISSIONS[role].has(permission) : false;
}

/**
 * What a tRPC procedure requires, declared in its meta: `public` (no sign-in), `authed` (any signed-in
 * user), or one permission.
 */
export type Access = 'public' | 'authed' | Permission;
