import type { Permission } from '@/lib/auth/access';

export interface NavItem {
  href: string;
  label: string;
  permission: Permission;
}

export const NAV: readonly NavItem[] = [
  { href: '/overview', label: 'Overview', permission: 'dashboards:read' },
  { href: '/swarms', label: 'Swarms', permission: 'dashboards:read' },
  { href: '/offload', label: 'Offload', permission: 'dashboards:read' },
  { href: '/isps', label: 'ISPs', permission: 'dashboards:read' },
  { href: '/qoe', label: 'QoE', permission: 'dashboards:read' },
  { href: '/rollouts', label: 'Rollouts', permission: 'rollouts:read' },
  { href: '/reports', label: 'Reports', permission: 'reports:export' },
  { href: '/audit', label: 'Audit', permission: 'audit:read' },
  { href: '/settings', label: 'Settings', permission: 'dashboards:read' },
  { href: '/system', label: 'System', permission: 'settings:manage' },
];
