'use client';

import { createContext, useContext } from 'react';
import { can, type Permission, type Role } from './access';

/**
 * The signed-in role, provided once by the console layout from `auth.me`, so any client component can
 * hide what the role cannot do. Hiding is a courtesy: the server checks every call.
 */
const RoleContext = createContext<Role | null>(null);

export function RoleProvider({ role, children }: { role: Role | null; children: React.ReactNode }) {
  return <RoleContext.Provider value={role}>{children}</RoleContext.Provider>;
}

export function useRole(): Role | null {
  return useContext(RoleContext);
}

export function useCan(permission: Permission): boolean {
  return can(useContext(RoleContext), permission);
}
