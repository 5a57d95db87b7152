import { z } from 'zod';

/** Device classes of the telemetry and rollout contracts, in display order (one home: the telemetry schema). */
import { DeviceClass } from '../telemetry/schema';
export { DEVICE_CLASSES, DeviceClass } from '../telemetry/schema';

export const FLAG_KEYS = ['p2p-mode', 'p2p-upload-cap-kbps', 'p2p-max-peers'] as const;
export const FlagKey = z.enum(FLAG_KEYS);
export type FlagKey = z.infer<typeof FlagKey>;

export type Cohort = 'p2p' | 'control' | 'off';
export type Reason = 'SPLIT' | 'TARGETING_MATCH' | 'DISABLED';
export type P2pMode = 'off' | 'download' | 'full';

/** A percentage with two decimals (0.01 steps), 0–100. */
const Percent = z
  .number()
  .min(0)
  .max(100)
  .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'in steps of 0.01');

const VERSION_RE = /^\d+(\.\d+){0,3}$/;

export const Targeting = z.object({
  /** Only these ASNs (empty: every ASN). */
  asnAllow: z.array(z.number().int().min(0).max(4_294_967_295)).max(1000).default([]),
  /** Never these ASNs. */
  asnDeny: z.array(z.number().int().min(0).max(4_294_967_295)).max(1000).default([]),
  /** Only these ISO 3166-1 alpha-2 countries (empty: every country). */
  countries: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'two capital letters'))
    .max(300)
    .default([]),
  /** Devices older than this client version are left out (empty: no minimum). */
  minClientVersion: z.string().regex(VERSION_RE, 'a version like 7.12.0').or(z.literal('')).default(''),
});
export type Targeting = z.infer<typeof Targeting>;

export const RolloutRule = z
  .object({
    state: z.enum(['enabled', 'disabled']),
    mode: z.enum(['download', 'full']),
    percentage: Percent,
    holdbackPercentage: Percent,
    targeting: Targeting.default({ asnAllow: [], asnDeny: [], countries: [], minClientVersion: '' }),
    uploadCapKbps: z.number().int().min(0).max(1_000_000),
    maxPeers: z.number().int().min(0).max(1000),
    /** Bucketing salt; a new salt (a reshuffle) is the only thing that moves devices between cohorts. */
    salt: z.string().min(1).max(64),
  })
  .refine((r) => r.percentage + r.holdbackPercentage <= 100 + 1e-9, {
    message: 'rollout % + holdback % must not exceed 100',
    path: ['holdbackPercentage'],
  });
export type RolloutRule = z.infer<typeof RolloutRule>;

/** What a device class can take: the admin setting a rule is checked against. */
export const Capabilities = z.object({
  /** The class has the storage, power and uplink to upload (`full`). */
  mayUpload: z.boolean(),
  /** Highest upload cap a rule may set (kbps). */
  maxUploadCapKbps: z.number().int().min(0).max(1_000_000),
  /** Most peers a rule may allow. */
  maxPeers: z.number().int().min(0).max(1000),
});
export type Capabilities = z.infer<typeof Capabilities>;

export function defaultSalt(cls: DeviceClass): string {
  return `${cls}-v1`;
}

/** Fresh install: every class disabled, nothing exposed. */
export function defaultRule(cls: DeviceClass): RolloutRule {
  return {
    state: 'disabled',
    mode: 'download',
    percentage: 0,
    holdbackPercentage: 0,
    targeting: { asnAllow: [], asnDeny: [], countries: [], minClientVersion: '' },
    uploadCapKbps: 0,
    maxPeers: 8,
    salt: defaultSalt(cls),
  };
}

const UPLOADERS: ReadonlySet<DeviceClass> = new Set(['smart_tv', 'game_console', 'set_top_box', 'desktop']);

/** Mains-powered classes with storage may upload; battery and stick classes only receive. */
export function defaultCapabilities(cls: DeviceClass): Capabilities {
  return UPLOADERS.has(cls)
    ? { mayUpload: true, maxUploadCapKbps: 8_000, maxPeers: 32 }
    : { mayUpload: false, maxUploadCapKbps: 0, maxPeers: 16 };
}

/** Why a rule asks more than its class allows, or null when it fits. */
export function capabilityViolations(cls: DeviceClass, rule: RolloutRule, caps: Capabilities): string[] {
  const out: string[] = [];
  if (rule.mode === 'full' && !caps.mayUpload)
    out.push(`${cls} may not upload, so mode "full" is not allowed (use "download")`);
  if (rule.uploadCapKbps > caps.maxUploadCapKbps)
    out.push(`upload cap ${rule.uploadCapKbps} kbps exceeds ${cls}'s limit of ${caps.maxUploadCapKbps} kbps`);
  if (rule.maxPeers > caps.maxPeers) out.push(`max peers ${rule.maxPeers} exceeds ${cls}'s limit of ${caps.maxPeers}`);
  return out;
}

/** Compare dotted versions numerically ("7.9" < "7.12.0"); -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

export function isVersion(v: string): boolean {
  return VERSION_RE.test(v);
}
