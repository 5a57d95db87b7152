import { audit } from '../audit/log';
import { env } from '../env';
import { onStartup } from '../startup';
import { generatePassword, hashPassword } from './passwords';
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
    const u = await createUser({ email: e.SWARMDECK_ADMIN_EMAIL, role: 'admin', passwordHash: await hashPassword(e.SWARMDECK_ADMIN_PASSWORD) });
    await audit({ actor: { kind: 'system', id: 'startup', email: '' }, action: 'user.created', target: { type: 'user', id: u.id }, after: { email: u.email, role: 'admin' } });
    log(`created the first admin ${u.email} from SWARMDECK_ADMIN_EMAIL / SWARMDECK_ADMIN_PASSWORD`);
    return;
  }
  if (n === 0 && e.SWARMDECK_DEMO) {
    const password = generatePassword();
    const u = await createUser({ email: DEMO_ADMIN_EMAIL, role: 'admin', name: 'Demo admin', passwordHash: await hashPassword(password) });
    await audit({ actor: { kind: 'system', id: 'startup', email: '' }, action: 'user.created', target: { type: 'user', id: u.id }, after: { email: u.email, role: 'admin' } });
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

onStartup({ name: 'auth', run: ensureFirstAdmin });
