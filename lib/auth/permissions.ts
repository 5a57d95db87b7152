import { z } from 'zod';
import { PERMISSIONS, ROLES } from './access';

export { can, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Access } from './access';

export const Permission = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof Permission>;

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
