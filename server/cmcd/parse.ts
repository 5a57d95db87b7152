import { CMCD_KEYS, decodeCmcd, isCmcdCustomKey } from '@svta/cml-cmcd';
import { z } from 'zod';
import { DeviceClass } from '@/lib/telemetry/schema';

/**
 * One CMCD v2 event-mode line (CTA-5004-B: an RFC 8941 dictionary, `key=value,key2,…`) → the event
 * Swarmdeck stores, or why it cannot be stored. Decoding is the SVTA library's own `decodeCmcd`, the
 * inverse of the encoder `CmcdReporter` uses; the rules on top are ours and the README lists them.
 */

/** Swarmdeck's custom keys (CTA-5004-B custom keys need a hyphenated prefix). */
export const CUSTOM_KEYS = {
  deviceId: 'com.swarmdeck-did',
  configVersion: 'com.swarmdeck-cv',
  cohort: 'com.swarmdeck-cohort',
  deviceClass: 'com.swarmdeck-dc',
  clientVersion: 'com.swarmdeck-ver',
} as const;

/** Per-target defaults from the event target's URL query (`?key=…&cohort=control&dc=desktop`). */
export const TargetDefaults = z.object({
  cohort: z.string().min(1).max(32).optional(),
  dc: DeviceClass.optional(),
  did: z.string().min(1).max(64).optional(),
  cv: z.coerce.number().int().min(0).max(4_294_967_295).optional(),
  cid: z.string().min(1).max(128).optional(),
  ver: z.string().min(1).max(32).optional(),
});
export type TargetDefaults = z.infer<typeof TargetDefaults>;

/** Play states (`sta`) and event types (`e`) of CTA-5004-B. */
export const PLAY_STATES = ['s', 'p', 'k', 'r', 'a', 'w', 'e', 'f', 'q', 'd'] as const;
const EVENTS = [
  'abs',
  'abe',
  'ae',
  'as',
  'b',
  'bc',
  'c',
  'ce',
  'e',
  'h',
  'm',
  'pc',
  'pe',
  'pr',
  'ps',
  'rr',
  'sk',
  't',
  'um',
] as const;
const KNOWN = new Set<string>(CMCD_KEYS);

/** Newest accepted event age and furthest future, as for telemetry reports. */
export const MAX_AGE_MS = 7 * 24 * 3_600_000;
export const MAX_FUTURE_MS = 5 * 60_000;
const U32 = 4_294_967_295;

export interface CmcdEvent {
  sid: string;
  sn: number;
  ts: number;
  e: string;
  sta: string;
  cid: string;
  deviceId: string;
  deviceClass: string;
  cohort: string;
  configVersion: number | null;
  clientVersion: string;
  sf: string;
  st: string;
  brKbps: number | null;
  mtpKbps: number | null;
  blMs: number | null;
  msdMs: number | null;
  ptMs: number | null;
  bs: boolean;
  bsdMs: number[];
  errorCodes: string[];
}

export interface LineIssue {
  path: string;
  message: string;
}
export type LineResult = { ok: true; event: CmcdEvent; ignored: string[] } | { ok: false; issues: LineIssue[] };

/** An SfItem's value, or the value itself. */
const bare = (v: unknown): unknown =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v ? (v as { value: unknown }).value : v;

function firstNumber(v: unknown): number | null | 'bad' {
  if (v === undefined) return null;
  const x = bare(Array.isArray(v) ? v[0] : v);
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : 'bad';
}

function numberList(v: unknown): number[] | 'bad' {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  const out: number[] = [];
  for (const item of list) {
    const x = bare(item);
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > U32) return 'bad';
    out.push(x);
  }
  return out;
}

function str(v: unknown, max: number): string | null | 'bad' {
  if (v === undefined) return null;
  const x = bare(v);
  if (typeof x !== 'string' || x.length === 0 || [...x].length > max) return 'bad';
  return x;
}

export function parseLine(line: string, defaults: TargetDefaults, now: number): LineResult {
  let d: Record<string, unknown>;
  try {
    d = decodeCmcd(line) as Record<string, unknown>;
  } catch {
    return { ok: false, issues: [{ path: '', message: 'not a CMCD line (RFC 8941 dictionary: key=value,key2,…)' }] };
  }
  const issues: LineIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path, message });
  const ignored = Object.keys(d).filter(
    (k) => !KNOWN.has(k) && !isCmcdCustomKey(k as Parameters<typeof isCmcdCustomKey>[0]),
  );

  if (d.v !== 2) bad('v', 'must be 2: event mode is CMCD version 2');
  const e = bare(d.e);
  if (typeof e !== 'string' || !(EVENTS as readonly string[]).includes(e))
    bad('e', 'required: an event type token (ps, e, t, …)');
  const ts = bare(d.ts);
  if (typeof ts !== 'number' || !Number.isInteger(ts)) bad('ts', 'required: integer milliseconds since the epoch');
  else if (ts > now + MAX_FUTURE_MS) bad('ts', 'more than 5 minutes in the future');
  else if (ts < now - MAX_AGE_MS) bad('ts', 'more than 7 days in the past');
  const sid = str(d.sid, 64);
  if (sid === null || sid === 'bad')
    bad('sid', 'required: the session id, 1–64 characters (add "sid" to the included keys)');
  const sn = bare(d.sn);
  if (typeof sn !== 'number' || !Number.isInteger(sn) || sn < 0 || sn > U32)
    bad('sn', 'required: the sequence number, an integer ≥ 0 (add "sn" to the included keys)');
  const sta = d.sta === undefined ? '' : bare(d.sta);
  if (sta !== '' && !(PLAY_STATES as readonly string[]).includes(sta as string))
    bad('sta', `unknown play state (one of ${PLAY_STATES.join(', ')})`);
  const cid = str(d.cid, 128);
  if (cid === 'bad') bad('cid', '1–128 characters');

  const nums = {
    br: firstNumber(d.br),
    mtp: firstNumber(d.mtp),
    bl: firstNumber(d.bl),
    msd: firstNumber(d.msd),
    pt: firstNumber(d.pt),
  };
  for (const [k, v] of Object.entries(nums)) if (v === 'bad') bad(k, 'must be a number ≥ 0');
  const bsd = numberList(d.bsd);
  if (bsd === 'bad') bad('bsd', 'must be a list of integer milliseconds');
  const ec = d.ec === undefined ? [] : Array.isArray(d.ec) ? d.ec.map(bare) : [bare(d.ec)];
  if (!ec.every((x) => typeof x === 'string' && x.length <= 64))
    bad('ec', 'must be a list of strings of at most 64 characters');

  const did = str(d[CUSTOM_KEYS.deviceId], 64);
  if (did === 'bad') bad(CUSTOM_KEYS.deviceId, '1–64 characters');
  const cv = bare(d[CUSTOM_KEYS.configVersion]);
  if (cv !== undefined && (typeof cv !== 'number' || !Number.isInteger(cv) || cv < 0 || cv > U32))
    bad(CUSTOM_KEYS.configVersion, 'an integer ≥ 0');
  const cohort = str(d[CUSTOM_KEYS.cohort], 32);
  if (cohort === 'bad') bad(CUSTOM_KEYS.cohort, '1–32 characters');
  const dc = bare(d[CUSTOM_KEYS.deviceClass]);
  if (dc !== undefined && !DeviceClass.safeParse(dc).success)
    bad(CUSTOM_KEYS.deviceClass, 'a device class of the telemetry contract');
  const ver = str(d[CUSTOM_KEYS.clientVersion], 32);
  if (ver === 'bad') bad(CUSTOM_KEYS.clientVersion, '1–32 characters');
  if (issues.length > 0) return { ok: false, issues };

  const n = (v: number | null | 'bad', max = U32) => (typeof v === 'number' ? Math.min(Math.round(v), max) : null);
  return {
    ok: true,
    ignored,
    event: {
      sid: sid as string,
      sn: sn as number,
      ts: ts as number,
      e: e as string,
      sta: sta as string,
      cid: (cid as string | null) ?? defaults.cid ?? '',
      deviceId: (did as string | null) ?? defaults.did ?? '',
      deviceClass: (dc as string | undefined) ?? defaults.dc ?? 'unknown',
      cohort: (cohort as string | null) ?? defaults.cohort ?? 'unassigned',
      configVersion: (cv as number | undefined) ?? defaults.cv ?? null,
      clientVersion: (ver as string | null) ?? defaults.ver ?? '',
      sf: typeof bare(d.sf) === 'string' ? (bare(d.sf) as string).slice(0, 8) : '',
      st: typeof bare(d.st) === 'string' ? (bare(d.st) as string).slice(0, 8) : '',
      brKbps: n(nums.br),
      mtpKbps: n(nums.mtp),
      blMs: n(nums.bl),
      msdMs: n(nums.msd),
      ptMs: n(nums.pt, Number.MAX_SAFE_INTEGER),
      bs: d.bs === true,
      bsdMs: bsd as number[],
      errorCodes: ec as string[],
    },
  };
}
