import { z } from 'zod';
import { migrate, migrationStatus } from '../clickhouse/migrate';

/**
 * Every command-line tool of the project. Each runs either in the CLI's own process (store opened
 * directly) or inside the running server (reached over its loopback admin path when the embedded
 * store's lock is held) — the same function either way.
 */
export interface CliCommand<S extends z.ZodType = z.ZodType> {
  description: string;
  args: S;
  run(args: z.infer<S>): Promise<string[]>;
}

export function defineCommand<S extends z.ZodType>(c: CliCommand<S>): CliCommand<S> {
  return c;
}

export const migrateCommand = defineCommand({
  description: 'apply pending migrations',
  args: z.object({}).loose(),
  async run() {
    const lines: string[] = [];
    const { applied } = await migrate(undefined, (l) => lines.push(l));
    const status = await migrationStatus();
    lines.push(applied.length ? `${applied.length} migration(s) applied` : 'nothing to apply: already up to date');
    lines.push(`${status.applied} applied, ${status.pending} pending`);
    return lines;
  },
});

/** The explicit list of every command (server/cli/all.ts fills it, in the order `--help` shows). */
export const COMMANDS: Record<string, CliCommand> = { migrate: migrateCommand as unknown as CliCommand };

export async function runCommand(name: string, rawArgs: Record<string, unknown>): Promise<string[]> {
  const cmd = COMMANDS[name];
  if (!cmd) throw new CliUsageError(`Unknown command ${name}. Known: ${Object.keys(COMMANDS).join(', ')}`);
  const parsed = cmd.args.safeParse(rawArgs);
  if (!parsed.success) {
    throw new CliUsageError(parsed.error.issues.map((i) => `--${i.path.join('.') || '?'}: ${i.message}`).join('\n'));
  }
  return cmd.run(parsed.data);
}

export class CliUsageError extends Error {}
