import { authStartup } from './auth/startup';
import { migrate } from './clickhouse/migrate';
import { swarmSummaryStartup } from './dashboards/swarm-summary';
import { demoStartup } from './demo/seed-rollouts';
import { ingestStartup } from './ingest/startup';
import { rolloutStartup } from './rollout/startup';

/**
 * What the server does before it takes traffic, in this order: migrations, then each area's start-up
 * task (first admin, runtime TTLs and the IP database, the rollout snapshot and its pollers, the demo
 * seed, the Swarms page's background summary). An explicit list rather than registration by import, so the order is visible and no task
 * depends on which modules happened to be imported.
 */
export type StartupTask = { name: string; run: (log: (line: string) => void) => Promise<void> };

const migrations: StartupTask = {
  name: 'migrations',
  run: async (log) => {
    await migrate(undefined, log);
  },
};

export const STARTUP_TASKS: readonly StartupTask[] = [
  migrations,
  authStartup,
  ingestStartup,
  rolloutStartup,
  demoStartup,
  swarmSummaryStartup,
];

export async function startup(log: (line: string) => void = console.log): Promise<void> {
  for (const t of STARTUP_TASKS) await t.run((l) => log(`[${t.name}] ${l}`));
}
