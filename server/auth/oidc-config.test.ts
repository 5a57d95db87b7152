import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '../env';
import { oidcConfigured, parseRoleMap, roleFromClaims } from './oidc-config';

describe('OIDC groups → role mapping', () => {
  const roleMap = parseRoleMap('swarmdeck-admins=admin, noc=operator,change-board=approver,partners=viewer');

  it('parses group=role pairs and refuses unknown roles', () => {
    expect([...roleMap]).toEqual([
      ['swarmdeck-admins', 'admin'],
      ['noc', 'operator'],
      ['change-board', 'approver'],
      ['partners', 'viewer'],
    ]);
    expect(() => parseRoleMap('ops=superuser')).toThrow(/role must be one of viewer, operator, approver, admin/);
    expect(() => parseRoleMap('justagroup')).toThrow(/not group=role/);
    expect(parseRoleMap('')).toEqual(new Map());
  });

  it('gives the strongest mapped role among the groups', () => {
    expect(roleFromClaims({ groups: ['partners', 'noc'] }, { roleMap })).toBe('operator');
    expect(roleFromClaims({ groups: ['noc', 'swarmdeck-admins', 'partners'] }, { roleMap })).toBe('admin');
    expect(roleFromClaims({ groups: ['change-board'] }, { roleMap })).toBe('approver');
  });

  it('reads a custom claim, and a space- or comma-separated string', () => {
    expect(roleFromClaims({ roles: 'partners noc' }, { roleMap, groupsClaim: 'roles' })).toBe('operator');
    expect(roleFromClaims({ groups: 'partners' }, { roleMap })).toBe('viewer');
  });

  it('refuses a user in no mapped group unless a default role is set', () => {
    expect(roleFromClaims({ groups: ['marketing'] }, { roleMap })).toBeNull();
    expect(roleFromClaims({}, { roleMap })).toBeNull();
    expect(roleFromClaims({ groups: [42, null] }, { roleMap })).toBeNull();
    expect(roleFromClaims({ groups: ['marketing'] }, { roleMap, defaultRole: 'viewer' })).toBe('viewer');
  });
});

describe('OIDC is configured only with issuer, client id and secret', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });

  it('needs all three variables', () => {
    delete process.env.OIDC_ISSUER;
    delete process.env.OIDC_CLIENT_ID;
    delete process.env.OIDC_CLIENT_SECRET;
    resetEnvCache();
    expect(oidcConfigured()).toBe(false);
    process.env.OIDC_ISSUER = 'https://idp.example.com';
    process.env.OIDC_CLIENT_ID = 'swarmdeck';
    resetEnvCache();
    expect(oidcConfigured()).toBe(false);
    process.env.OIDC_CLIENT_SECRET = 's3cret';
    resetEnvCache();
    expect(oidcConfigured()).toBe(true);
  });
});
