import { COMMANDS, type CliCommand } from './commands';
import { tokenAddCommand, userAddCommand } from '../auth/cli';
import { ingestStatsCommand } from '../ingest/cli';
import { rolloutKillCommand, rolloutStatusCommand } from '../rollout/cli';
import { backupCommand, restoreCommand } from '../store/backup';
import { drillSlowStoreCommand } from '../store/drill';
import { demoBackfillCommand, simTotalsCommand } from './demo-backfill';

/**
 * Every command-line tool, listed here in order (`npm run <command>`; `--help` shows them in this order).
 * An explicit list instead of registration by import side effect: a command exists because it is named
 * here, and importing this module is what makes the runner know them.
 */
const LIST: Record<string, CliCommand> = {
  'user:add': userAddCommand as unknown as CliCommand,
  'token:add': tokenAddCommand as unknown as CliCommand,
  'ingest:stats': ingestStatsCommand as unknown as CliCommand,
  'rollout:status': rolloutStatusCommand as unknown as CliCommand,
  'rollout:kill': rolloutKillCommand as unknown as CliCommand,
  'demo:backfill': demoBackfillCommand as unknown as CliCommand,
  'sim:totals': simTotalsCommand as unknown as CliCommand,
  backup: backupCommand as unknown as CliCommand,
  restore: restoreCommand as unknown as CliCommand,
  'drill:slow-store': drillSlowStoreCommand as unknown as CliCommand,
};

Object.assign(COMMANDS, LIST);

export { COMMANDS };
