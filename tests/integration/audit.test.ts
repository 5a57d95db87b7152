import { describe, expect, it } from 'vitest';
import { audit, listAudit } from '@/server/audit/log';
import { withFreshStore } from '../helpers/store';

withFreshStore();

describe('audit log', () => {
  it('appends rows and lists them newest first, filtered by bound parameters', async () => {
    await audit({ actor: { kind: 'user', id: 'u1', email: 'ann@example.com' }, action: 'auth.sign_in' });
    await new Promise((r) => setTimeout(r, 5));
    await audit({
      actor: { kind: 'user', id: 'u2', email: "bob'; DROP TABLE audit_log; --@example.com" },
      action: 'rollout.change_applied',
      target: { type: 'rollout', id: 'smart_tv' },
      before: { percentage: 10 },
      after: { percentage: 5 },
      reason: 'regression on TVs',
    });
    const all = await listAudit();
    expect(all.map((r) => r.action)).toEqual(['rollout.change_applied', 'auth.sign_in']);
    expect(JSON.parse(all[0]!.before)).toEqual({ percentage: 10 });
    expect(all[0]!.reason).toBe('regression on TVs');
    expect(all[0]!.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    const bob = await listAudit({ actor: "bob'; DROP TABLE audit_log; --@example.com" });
    expect(bob).toHaveLength(1);
    expect(await listAudit({ actionPrefix: 'auth.' })).toHaveLength(1);
    expect(await listAudit({ targetType: 'rollout', targetId: 'smart_tv' })).toHaveLength(1);
    expect(await listAudit({ from: new Date(0), to: new Date(Date.now() + 60_000) })).toHaveLength(2);
    expect(await listAudit({ to: new Date(0) })).toHaveLength(0);
  });
});
