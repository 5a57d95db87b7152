import { z } from 'zod';

/** Row counts and disk use of the project's tables: the store-status panel. */
export const TableStatsSql = `
SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes
FROM system.parts
WHERE active AND database = currentDatabase()
GROUP BY table
ORDER BY table`;
export const TableStatsRow = z.object({ table: z.string(), rows: z.coerce.number(), bytes: z.coerce.number() });
export type TableStatsRow = z.infer<typeof TableStatsRow>;
