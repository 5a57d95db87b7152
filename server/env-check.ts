import { z } from 'zod';
import { OidcExtraEnv } from './auth/oidc-config';
import { parseTrustedProxies } from './core/client-address';
import { Env } from './env';
import { IngestEnv } from './ingest/config';
import { NotifyEnv } from './notify/service';
import { ObservabilityEnv } from './observability/config';
import { rolloutSettings } from './rollout/settings';

/**
 * Every environment variable the server reads, as one zod schema composed of each area's part (the same
 * schemas the areas read their settings with), parsed once before the server does anything else: a bad
 * value stops the start with a message naming the variable, instead of failing the first request that
 * needs it. README "Environment" documents each variable.
 */
export const FullEnv = z.object({
  ...Env.shape,
  ...IngestEnv.shape,
  ...ObservabilityEnv.shape,
  ...NotifyEnv.shape,
  ...OidcExtraEnv.shape,
});

/** Rules between or inside values that a field schema cannot state (checked even when fields fail). */
function crossChecks(source: Record<string, string | undefined>): string[] {
  const out: string[] = [];
  try {
    parseTrustedProxies(source.TRUSTED_PROXIES ?? '');
  } catch (err) {
    out.push(`  TRUSTED_PROXIES: ${(err as Error).message.replace(/^TRUSTED_PROXIES: /, '')}`);
  }
  const oidc = [source.OIDC_ISSUER, source.OIDC_CLIENT_ID, source.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidc > 0 && oidc < 3)
    out.push('  OIDC_ISSUER: single sign-on needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together');
  return out;
}

/** Parse the whole environment; throws one Error listing every bad variable. */
export function checkEnvironment(source: Record<string, string | undefined> = process.env): void {
  const parsed = FullEnv.safeParse(source);
  const lines = parsed.success
    ? []
    : parsed.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
  lines.push(...crossChecks(source));
  try {
    // The rollout area's settings are parsed by its own reader (its schema is not exported yet).
    if (source === process.env) rolloutSettings();
  } catch (err) {
    lines.push(
      ...(err instanceof z.ZodError
        ? err.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
        : [`  ${(err as Error).message}`]),
    );
  }
  if (lines.length) throw new Error(`Invalid environment — fix these variables and start again:\n${lines.join('\n')}`);
}
