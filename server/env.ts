import { z } from 'zod';
import { faultSpecsOf, parseFault } from '../sim/fault';

const bool = z
  .enum(['1', '0', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

export const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  SWARMDECK_DATA_DIR: z.string().min(1).default('./data'),
  CLICKHOUSE_URL: z.url().optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier')
    .default('swarmdeck'),
  CLICKHOUSE_QUERY_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  SWARMDECK_SESSION_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  SWARMDECK_INGEST_KEY: z.string().min(8).optional(),
  SWARMDECK_REPORTS_TOKEN: z.string().min(8).optional(),
  SWARMDECK_ADMIN_EMAIL: z.email().optional(),
  SWARMDECK_ADMIN_PASSWORD: z.string().min(8).optional(),
  SWARMDECK_RAW_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(35),
  /** Swarms page: the oldest background summary (seconds) it may show instead of live figures; 0 = always live */
  SWARMDECK_SWARM_SUMMARY_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  TRUSTED_PROXIES: z.string().default(''),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  SWARMDECK_DEMO: bool,
  /** demo only: faults on purpose in the virtual console fleet's p2p cohort (`npm run demo -- --fault …`) */
  SWARMDECK_DEMO_FAULT: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      for (const spec of faultSpecsOf(v)) {
        try {
          parseFault(spec);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }
    }),
  /** where the @ip-location-db packages are read from (default: ./node_modules) */
  SWARMDECK_GEO_DIR: z.string().min(1).optional(),
  /** where migrations are read from (default: ./migrations) */
  SWARMDECK_MIGRATIONS_DIR: z.string().min(1).optional(),
  NEXT_DIST_DIR: z.string().min(1).optional(),
});
export type Env = z.infer<typeof Env>;

let cached: Env | undefined;

/** The validated environment, read once per process. */
export function env(): Env {
  if (cached) return cached;
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests that change variables between cases in one process. */
export function resetEnvCache(): void {
  cached = undefined;
}
