import { z } from 'zod';
import { bind, store, storeMode } from '../clickhouse/client';
import { HoldStoreSql, type HoldStoreParams } from '../clickhouse/queries/store';
import { defineCommand } from '../cli/commands';

const PAUSE_SECONDS = 0.5;

/**
 * `npm run drill:slow-store -- --seconds 30`: hold the embedded store for that long, to rehearse a slow
 * store while the server runs (the command reaches it over the loopback admin path). While held, the
 * console's panels show their error state after CLICKHOUSE_QUERY_TIMEOUT_MS, OFREP keeps answering from
 * its snapshot and telemetry waits (then answers 503). The hold ends by itself; nothing is written.
 */
export const drillSlowStoreCommand = defineCommand({
  description: 'hold the embedded store for --seconds (1–600): a slow-store drill against the running server',
  args: z.object({ seconds: z.coerce.number().int().min(1).max(600).default(30) }).loose(),
  async run(args) {
    if (storeMode() !== 'embedded') {
      return ['The slow-store drill holds the embedded store only; a ClickHouse server runs queries side by side.'];
    }
    const rows = Math.max(1, Math.round(args.seconds / PAUSE_SECONDS));
    const started = Date.now();
    // Straight on the client, without the store's query time limit: the drill is the slow query.
    const rs = await (
      await store()
    ).client.query({
      query: HoldStoreSql.sql,
      query_params: bind(HoldStoreSql, { pause: PAUSE_SECONDS, rows } satisfies HoldStoreParams),
      format: 'JSONEachRow',
    });
    HoldStoreSql.row.array().parse(await rs.json());
    return [`held the store for ${((Date.now() - started) / 1000).toFixed(1)} s`];
  },
});
