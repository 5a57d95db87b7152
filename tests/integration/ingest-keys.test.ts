import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { query } from '@/server/clickhouse/client';
import { createCaller } from '@/server/api/root';
import { listAudit } from '@/server/audit/log';
import { verifyIngestKey } from '@/server/ingest/keys';
import { withFreshStore } from '../helpers/store';

withFreshStore({ SWARMDECK_INGEST_KEY: 'keys-bootstrap-key-0123456789' });

const admin = () =>
  createCaller({
    headers: new Headers({ 'x-swarmdeck-csrf': '1' }),
    user: { id: 'u-admin', email: 'admin@example.com', name: 'Admin', role: 'admin' },
  });
const bearer = (k: string) => new Headers({ authorization: `Bearer ${k}` });

describe('ingest keys', () => {
  it('creates a key shown once, stores only its hash, lists and revokes it, and audits both', async () => {
    const created = await admin().ingestKeys.create({ name: 'Smart TV app', rateLimitPerSec: 500, trustedRelay: true });
    expect(created.key).toMatch(/^sdk_[A-Za-z0-9_-]{40,}$/);
    const stored = await query('SELECT * FROM ingest_keys', {}, z.record(z.string(), z.unknown()));
    expect(JSON.stringify(stored)).not.toContain(created.key);

    const list = await admin().ingestKeys.list();
    const mine = list.find((k) => k.id === created.id)!;
    expect(mine).toMatchObject({ name: 'Smart TV app', rateLimitPerSec: 500, trustedRelay: true, revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(created.key);

    expect(await verifyIngestKey(bearer(created.key))).toMatchObject({
      id: created.id,
      trustedRelay: true,
      rateLimitPerSec: 500,
    });
    await admin().ingestKeys.revoke({ id: created.id });
    expect(await verifyIngestKey(bearer(created.key))).toBeNull();
    expect((await admin().ingestKeys.list()).find((k) => k.id === created.id)!.revokedAt).not.toBeNull();

    const audit = await listAudit({ targetId: created.id });
    expect(audit.map((a) => a.action).sort()).toEqual(['ingest_key.created', 'ingest_key.revoked']);
    expect(JSON.stringify(audit)).not.toContain(created.key);
  });

  it('knows the bootstrap key from the environment, which is not a trusted relay', async () => {
    expect(await verifyIngestKey(bearer('keys-bootstrap-key-0123456789'))).toMatchObject({
      id: 'bootstrap',
      trustedRelay: false,
    });
    expect(await verifyIngestKey(bearer('something-else-entirely'))).toBeNull();
    expect(await verifyIngestKey(new Headers())).toBeNull();
  });

  it('is for admins only', async () => {
    const viewer = createCaller({
      headers: new Headers({ 'x-swarmdeck-csrf': '1' }),
      user: { id: 'u-v', email: 'v@example.com', name: 'V', role: 'operator' },
    });
    await expect(viewer.ingestKeys.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      viewer.ingestKeys.create({ name: 'x', rateLimitPerSec: 1, trustedRelay: false }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const anon = createCaller({ headers: new Headers({ 'x-swarmdeck-csrf': '1' }), user: null });
    await expect(anon.ingestKeys.revoke({ id: 'x' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
