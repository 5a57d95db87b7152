/**
 * `npm run bench`: every benchmark in turn (ingestion, OFREP, dashboard queries, reports, page weight). Each
 * prints its figures as ratios against a baseline measured in the same run. Extra flags pass through.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const benches = ['bench-ingest', 'bench-ofrep', 'bench-queries', 'bench-reports', 'bench-pages'];
let failed = 0;
for (const b of benches) {
  const file = path.join(root, 'scripts', `${b}.ts`);
  if (!fs.existsSync(file)) continue;
  console.log(`\n=== ${b}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
