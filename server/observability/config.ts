import { z } from 'zod';
import { processSlot } from '../core/rate-limit';

/** Observability and backup settings (env), read once per process; `resetObservabilityConfig()` for tests. */
export const ObservabilityEnv = z.object({
  /** Bearer token that may read /metrics (unset: only SWARMDECK_METRICS_ALLOW addresses may) */
  SWARMDECK_METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** addresses / CIDRs allowed to read /metrics without the token, e.g. a Prometheus host */
  SWARMDECK_METRICS_ALLOW: z.string().default(''),
  SWARMDECK_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** json (one object a line) or pretty; default pretty in development and the demo, json otherwise */
  SWARMDECK_LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** where BACKUP writes (must be outside the data directory); default `<data dir>-backups` */
  SWARMDECK_BACKUP_DIR: z.string().min(1).optional(),
  /** scheduled backup every N hours (0 = none) */
  SWARMDECK_BACKUP_EVERY_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(0),
  /** backups kept by the schedule (older ones are deleted after a successful backup) */
  SWARMDECK_BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
});
export type ObservabilityConfig = z.infer<typeof ObservabilityEnv>;

const holder = processSlot<ObservabilityConfig>('observability.config');

export function observabilityConfig(): ObservabilityConfig {
  holder.value ??= ObservabilityEnv.parse(process.env);
  return holder.value;
}

export function resetObservabilityConfig(): void {
  holder.value = undefined;
}
