import { audit } from '../audit/log';
import { env } from '../env';
import type { StartupTask } from '../startup';
import { OidcExtraEnv, oidcConfigured, parseRoleMap } from './oidc-config';
import { generatePassword, hashPassword, warmPasswordDummy } from './passwords';
import { countUsers, createUser } from './users';

export const DEMO_ADMIN_EMAIL = 'admin@swarmdeck.local';

/**
 * First run: with no user yet, create the admin from SWARMDECK_ADMIN_EMAIL/PASSWORD, or (demo) one with
 * a random password printed once; otherwise say how to create one.
 */
export async function ensureFirstAdmin(log: (line: string) => void): Promise<void> {
  const e = env();
  const { n, admins } = await countUsers();
  if (n === 0 && e.SWARMDECK_ADMIN_EMAIL && e.SWARMDECK_ADMIN_PASSWORD) {
    const u = await createUser({
      email: e.SWARMDECK_ADMIN_EMAIL,
      role: 'admin',
      passwordHash: await hashPassword(e.SWARMDECK_ADMIN_PASSWORD),
    });
    await audit({
      actor: { kind: 'system', id: 'startup', email: '' },
      action: 'user.created',
      target: { type: 'user', id: u.id },
      after: { email: u.email, role: 'admin' },
    });
    log(`created the first admin ${u.email} from SWARMDECK_ADMIN_EMAIL / SWARMDECK_ADMIN_PASSWORD`);
    return;
  }
  if (n === 0 && e.SWARMDECK_DEMO) {
    const password = generatePassword();
    const u = await createUser({
      email: DEMO_ADMIN_EMAIL,
      role: 'admin',
      name: 'Demo admin',
      passwordHash: await hashPassword(password),
    });
    await audit({
      actor: { kind: 'system', id: 'startup', email: '' },
      action: 'user.created',
      target: { type: 'user', id: u.id },
      after: { email: u.email, role: 'admin' },
    });
    // Printed once, to the operator's terminal only: it is never stored anywhere in plain text.
    log('────────────────────────────────────────────────────────');
    log(`demo admin created — sign in with  ${u.email}  /  ${password}`);
    log('(shown once; create more users with `npm run user:add -- --email … --role …`)');
    log('────────────────────────────────────────────────────────');
    return;
  }
  if (admins === 0) {
    log('no active admin yet: create one with `npm run user:add -- --email you@example.com --role admin`');
    log('(or start with SWARMDECK_ADMIN_EMAIL and SWARMDECK_ADMIN_PASSWORD set while no user exists)');
  }
}

/** A wrong OIDC_ROLE_MAP fails the start, not the first person's sign-in. */
export function checkOidc(log: (line: string) => void): void {
  if (!oidcConfigured()) return;
  const extra = OidcExtraEnv.parse(process.env);
  const map = parseRoleMap(extra.OIDC_ROLE_MAP);
  log(
    `single sign-on on: ${map.size} group mapping(s) from the "${extra.OIDC_GROUPS_CLAIM}" claim${extra.OIDC_DEFAULT_ROLE ? `, default role ${extra.OIDC_DEFAULT_ROLE}` : ''}`,
  );
  if (map.size === 0 && !extra.OIDC_DEFAULT_ROLE)
    log('warning: OIDC_ROLE_MAP is empty and OIDC_DEFAULT_ROLE unset — nobody can sign in with single sign-on');
}

/** This area's start-up task; server/startup.ts lists every task in order. */
export const authStartup: StartupTask = {
  name: 'auth',
  run: async (log) => {
    checkOidc(log);
    await ensureFirstAdmin(log);
    await warmPasswordDummy();
  },
};
