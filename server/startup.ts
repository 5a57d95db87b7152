import { migrate } from './clickhouse/migrate';

/**
 * What the server does before it takes traffic: migrations, then each area's start-up task
 * (runtime TTLs, spool replay, config snapshot …), registered in order.
 */
type StartupTask = { name: string; run: (log: (line: string) => void) => Promise<void> };

const tasks: StartupTask[] = [
  {
    name: 'migrations',
    run: async (log) => {
      await migrate(undefined, log);
    },
  },
];

export function onStartup(task: StartupTask): void {
  tasks.push(task);
}

export async function startup(log: (line: string) => void = console.log): Promise<void> {
  for (const t of tasks) await t.run((l) => log(`[${t.name}] ${l}`));
}
