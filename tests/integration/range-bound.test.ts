import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { callerAs } from '../helpers/auth';
import { withFreshStore } from '../helpers/store';

withFreshStore();

async function refusal(p: Promise<unknown>): Promise<TRPCError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TRPCError);
  return e as TRPCError;
}

describe('every range the server accepts is bounded', () => {
  it('dashboards.offload with 1970-01-02 … 9999-12-31 is a BAD_REQUEST naming `to`, and the server keeps serving', async () => {
    const { caller } = await callerAs('viewer');
    const e = await refusal(
      caller.dashboards.offload({ range: { from: new Date('1970-01-02'), to: new Date('9999-12-31') } }),
    );
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toContain('400 days');
    expect(e.message).toContain('"to"');
    const ok = await caller.dashboards.offload({ range: { from: new Date('2026-01-01'), to: new Date('2027-02-05') } });
    expect(ok.series.length).toBe(Math.ceil((Date.parse('2027-02-05') - Date.parse('2026-01-01')) / (6 * 3_600_000)));
  });

  it('rollouts.annotations refuses a range wider than 400 days', async () => {
    const { caller } = await callerAs('viewer');
    const e = await refusal(caller.rollouts.annotations({ from: new Date('1970-01-02'), to: new Date('9999-12-31') }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(await caller.rollouts.annotations({ from: new Date('2026-01-01'), to: new Date('2026-02-01') })).toEqual([]);
  });
});
