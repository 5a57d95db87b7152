import { describe, expect, it, vi } from 'vitest';
import { StoreError } from '../clickhouse/client';
import { httpErrorOf, ServiceError, toTRPCError } from './errors';

describe('one mapping of service errors', () => {
  it('a store timeout is 504 over HTTP and GATEWAY_TIMEOUT over tRPC, without the store message', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const err = new StoreError('timeout', 'Code: 159. Timeout exceeded in /var/lib/swarmdeck/store/data');
    const res = httpErrorOf(err);
    expect(res.status).toBe(504);
    expect(JSON.stringify(await res.json())).not.toContain('/var/lib');
    const t = toTRPCError(err);
    expect(t.code).toBe('GATEWAY_TIMEOUT');
    expect(t.message).not.toContain('/var/lib');
  });

  it('an unavailable store is 503 with Retry-After; a query error is 500 with a neutral message', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const unavailable = httpErrorOf(new StoreError('unavailable', 'ECONNREFUSED 10.1.2.3:8123'));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('5');
    expect(JSON.stringify(await unavailable.json())).not.toContain('10.1.2.3');
    const query = httpErrorOf(new StoreError('query', 'Unknown table swarmdeck.secret_table'));
    expect(query.status).toBe(500);
    expect(JSON.stringify(await query.json())).not.toContain('secret_table');
  });

  it('4xx service errors keep their message, which says what to fix', async () => {
    const res = httpErrorOf(new ServiceError('conflict', 'A user with the email a@b.c already exists.'));
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'A user with the email a@b.c already exists.' });
    expect(toTRPCError(new ServiceError('rate_limited', 'slow down')).code).toBe('TOO_MANY_REQUESTS');
  });

  it('domain errors are service errors: a rollout conflict and a missing webhook map through the same table', async () => {
    const { RolloutError } = await import('../rollout/service');
    const { NotifyError } = await import('../notify/service');
    const { IngestKeyNotFound } = await import('../ingest/keys');
    const conflict = toTRPCError(new RolloutError('CONFLICT', 'The rule changed since you looked (version 4).'));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toBe('The rule changed since you looked (version 4).');
    const missing = httpErrorOf(new NotifyError('NOT_FOUND', 'No such webhook.'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'No such webhook.' });
    expect(toTRPCError(new IngestKeyNotFound('No ingest key k1')).code).toBe('NOT_FOUND');
    expect(httpErrorOf(new RolloutError('FORBIDDEN', 'You cannot approve your own request.')).status).toBe(403);
  });
});
