/** Rollup-vs-raw comparison shared by the dashboard tests that hold a store (the fixture itself stays store-free for the browser tests). */
import { expect } from 'vitest';
import { FIGURES } from '@/server/dashboards/service';

/** Drop the field that names the table read: everything else must be identical. */
export const stripSource = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'source' ? undefined : v)));

/** Every dashboard figure for this range and these filters, from the rollups, equals the same figure from telemetry_raw. */
export async function expectRollupsEqualRaw(range: object, filters: object, now: number): Promise<void> {
  for (const [name, fn] of Object.entries(FIGURES)) {
    const input = { range, filters, dimension: 'asn' as const, asn: 19281 };
    const call = fn as (i: typeof input, o: { raw?: boolean; now: number }) => Promise<{ source?: string }>;
    const rolled = await call(input, { now });
    const raw = await call(input, { now, raw: true });
    expect(rolled.source ?? 'nested', `${name} ${JSON.stringify(filters)}`).not.toBe('telemetry_raw');
    expect(stripSource(rolled), `${name} ${JSON.stringify(filters)}`).toEqual(stripSource(raw));
  }
}
