import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { query } from '@/server/clickhouse/client';
import { resetEnvCache } from '@/server/env';
import { applyRawTtl } from '@/server/ingest/startup';
import { startup } from '@/server/startup';
import { withFreshStore } from '../helpers/store';

withFreshStore({ SWARMDECK_RAW_TTL_DAYS: '12' });

const ttlOf = async () =>
  Object.fromEntries(
    (
      await query(
        "SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN ('telemetry_raw', 'telemetry_flows')",
        {},
        z.object({ name: z.string(), engine_full: z.string() }),
      )
    ).map((r) => [r.name, /TTL (.*?)( SETTINGS|$)/.exec(r.engine_full)?.[1] ?? '']),
  );

describe('raw TTL from the environment, applied at start', () => {
  it('sets SWARMDECK_RAW_TTL_DAYS on telemetry_raw and telemetry_flows through the startup tasks', async () => {
    const lines: string[] = [];
    await startup((l) => lines.push(l));
    expect(await ttlOf()).toEqual({
      telemetry_raw: 'toDateTime(ts) + toIntervalDay(12)',
      telemetry_flows: 'toDateTime(ts) + toIntervalDay(12)',
    });
    expect(lines.some((l) => l.startsWith('[ingestion]'))).toBe(true);
  });

  it('changes it when the variable changes, and leaves it alone when it does not', async () => {
    process.env.SWARMDECK_RAW_TTL_DAYS = '35';
    resetEnvCache();
    const lines: string[] = [];
    await applyRawTtl((l) => lines.push(l));
    expect(lines).toHaveLength(2);
    expect((await ttlOf()).telemetry_raw).toBe('toDateTime(ts) + toIntervalDay(35)');
    const again: string[] = [];
    await applyRawTtl((l) => again.push(l));
    expect(again).toEqual([]);
  });
});
