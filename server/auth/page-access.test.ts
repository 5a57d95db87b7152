import { describe, expect, it } from 'vitest';
import { mayOpenPage } from './page-access';

const NAV = [
  { href: '/overview', permission: 'dashboards:read' },
  { href: '/settings', permission: 'users:manage' },
  { href: '/settings/public', permission: 'dashboards:read' },
] as const;

describe('page access by nav permission', () => {
  it('uses the longest matching nav entry', () => {
    expect(mayOpenPage('viewer', '/overview', NAV)).toBe(true);
    expect(mayOpenPage('viewer', '/settings', NAV)).toBe(false);
    expect(mayOpenPage('viewer', '/settings/keys', NAV)).toBe(false);
    expect(mayOpenPage('viewer', '/settings/public', NAV)).toBe(true);
    expect(mayOpenPage('admin', '/settings', NAV)).toBe(true);
  });

  it('does not confuse a prefix with a segment, and leaves pages outside the nav open', () => {
    expect(mayOpenPage('viewer', '/settingsx', NAV)).toBe(true);
    expect(mayOpenPage('viewer', '/elsewhere', NAV)).toBe(true);
    expect(mayOpenPage('viewer', null, NAV)).toBe(true);
  });
});
