import { describe, expect, it } from 'vitest';
import { FAMILIES, inlineParams, swarmSummaryFillSql } from './dashboards';

describe('inlineParams (the swarm summary’s background statements bind nothing)', () => {
  it('writes each value as a literal of its placeholder’s type', () => {
    expect(
      inlineParams("SELECT {a:UInt64}, {b:Int32}, {c:Float64}, {d:DateTime('UTC')}, {e:String}, {a:UInt64}", {
        a: 1733300000000,
        b: -3,
        c: 0.2,
        d: '2026-12-04 08:15:00',
        e: '24h',
      }),
    ).toBe("SELECT 1733300000000, -3, toFloat64(0.2), toDateTime('2026-12-04 08:15:00', 'UTC'), '24h', 1733300000000");
  });

  it.each([
    ['{a:UInt32}', { a: -1 }],
    ['{a:UInt32}', { a: 1.5 }],
    ['{a:UInt32}', { a: '1' }],
    ['{a:Int64}', { a: 2 ** 60 }],
    ['{a:Float64}', { a: Number.NaN }],
    ['{a:Float64}', { a: Infinity }],
    ["{a:DateTime('UTC')}", { a: "2026-12-04 08:15:00' OR 1" }],
    ["{a:DateTime('UTC')}", { a: 1733300000000 }],
    ['{a:String}', { a: "x' OR '1" }],
    ['{a:String}', { a: 'back\\slash' }],
    ['{a:String}', { a: undefined }],
    ['{a:Array(String)}', { a: ['x'] }],
  ])('refuses %s = %j', (sql, params) => {
    expect(() => inlineParams(`SELECT ${sql}`, params)).toThrow(/cannot inline/);
  });

  it('leaves no placeholder in the summary fill for either grain', () => {
    for (const grain of ['15m', '1h'] as const) {
      const sql = inlineParams(swarmSummaryFillSql(FAMILIES.swarm(grain)[0]), {
        snapshot: 1,
        preset: '24h',
        lo: '2026-12-03 08:15:00',
        hi: '2026-12-04 08:30:00',
        q: '',
        tPeers: 10,
        tOffload: 0.2,
        tAttempts: 20,
        tSuccess: 0.5,
      });
      expect(sql).not.toMatch(/\{\w+:/);
      expect(sql).toContain(`FROM dash_swarm_${grain}`);
    }
  });
});
