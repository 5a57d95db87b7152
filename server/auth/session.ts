import type { Role } from '@/lib/auth/permissions';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/**
 * The signed-in user behind a request's cookies, or null. Sign-in itself lands with the auth issue;
 * until then nobody is signed in.
 */
export async function sessionFromHeaders(_headers: Headers): Promise<SessionUser | null> {
  return null;
}
