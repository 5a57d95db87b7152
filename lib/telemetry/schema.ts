import { z } from 'zod';
import { DEVICE_CLASSES, P2P_MODES, UINT32_MAX } from './enums';

/**
 * Telemetry contract v1 (`shared/spec/telemetry-v1.md`): one report of one playback interval.
 * Browser-safe (the SDK imports it): nothing here touches Node or the server.
 *
 * Unknown fields are stripped (zod's default for objects). Rules between fields are reported at the
 * path of the field the rule bounds: `bytes.p2pUp`, `bytes.p2pDown`, `peers.failures`, `qoe.playMs`,
 * `qoe.rebufferMs`, and `flows` for the flow sums.
 */

export { DEVICE_CLASSES, P2P_MODES, UINT32_MAX };
export const DeviceClass = z.enum(DEVICE_CLASSES);
export type DeviceClass = z.infer<typeof DeviceClass>;

export const P2pMode = z.enum(P2P_MODES);
export type P2pMode = z.infer<typeof P2pMode>;

export const GIB = 1024 ** 3;
export const TIB = 1024 ** 4;
/** No `bytes.*` or `flows.*` counter may exceed 10 GiB in one report. */
export const MAX_COUNTER_BYTES = 10 * GIB;
export const MAX_FUTURE_MS = 5 * 60_000;
export const MAX_PAST_MS = 7 * 24 * 3_600_000;
export const MAX_FLOWS = 64;

/** Length in Unicode code points (a surrogate pair counts once). */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** A lone surrogate or U+0000 makes a string invalid. */
export function isWellFormedText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** A string of min…max code points without lone surrogates or U+0000. */
function text(min: number, max: number) {
  return z.string().superRefine((s, ctx) => {
    if (!isWellFormedText(s)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain a lone surrogate or U+0000' });
      return;
    }
    const n = codePointLength(s);
    if (n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be ${min}–${max} characters (got ${n})` });
    }
  });
}

const int = (min: number, max: number) => z.int().min(min).max(max);
const counter = () => int(0, MAX_COUNTER_BYTES);

export const Flow = z.object({
  peerAsn: int(0, UINT32_MAX),
  down: counter(),
  up: counter(),
});
export type Flow = z.infer<typeof Flow>;

const Bytes = z.object({
  cdn: counter(),
  p2pDown: counter(),
  p2pUp: counter(),
});

const Peers = z.object({
  connected: int(0, 10_000),
  swarmSize: int(0, 100_000_000),
  attempts: int(0, 1_000_000),
  failures: int(0, 1_000_000),
});

const Qoe = z.object({
  playMs: int(0, 300_000),
  rebufferMs: int(0, 300_000),
  rebufferCount: int(0, UINT32_MAX),
  startupMs: int(0, 600_000).optional(),
  bitrateKbps: int(0, UINT32_MAX),
  fatalError: text(1, 64).optional(),
});

const Storage = z.object({
  cacheBytes: int(0, 16 * TIB).optional(),
});

const Ts = z.int().superRefine((ts, ctx) => {
  const now = Date.now();
  if (ts > now + MAX_FUTURE_MS) ctx.addIssue({ code: 'custom', message: 'is more than 5 minutes in the future' });
  else if (ts < now - MAX_PAST_MS) ctx.addIssue({ code: 'custom', message: 'is more than 7 days in the past' });
});

const ReportFields = z.object({
  reportId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 characters of [A-Za-z0-9_-]'),
  sessionId: text(1, 64),
  deviceId: text(1, 64),
  peerId: text(1, 64),
  ts: Ts,
  intervalMs: int(1, 300_000),
  deviceClass: DeviceClass,
  clientVersion: text(1, 32),
  contentId: text(1, 128),
  swarmId: text(1, 128),
  p2pMode: P2pMode,
  cohort: text(1, 32),
  configVersion: int(0, UINT32_MAX),
  optOut: z.boolean().optional(),
  bytes: Bytes,
  flows: z.array(Flow).max(MAX_FLOWS).optional(),
  peers: Peers,
  qoe: Qoe,
  storage: Storage.optional(),
  asn: int(0, UINT32_MAX).optional(),
});

export const TelemetryReport = ReportFields.superRefine(
  (r, ctx) => {
    const at = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (r.p2pMode === 'off') {
      if (r.bytes.p2pDown !== 0) at(['bytes', 'p2pDown'], 'must be 0 when p2pMode is off');
      if (r.flows && r.flows.length > 0) at(['flows'], 'must be empty when p2pMode is off');
    }
    if (r.p2pMode !== 'full' && r.bytes.p2pUp !== 0) at(['bytes', 'p2pUp'], 'must be 0 unless p2pMode is full');
    if (r.flows) {
      let down = 0;
      let up = 0;
      for (const f of r.flows) {
        down += f.down;
        up += f.up;
      }
      if (down > r.bytes.p2pDown) at(['flows'], `flow downloads (${down}) exceed bytes.p2pDown (${r.bytes.p2pDown})`);
      else if (up > r.bytes.p2pUp) at(['flows'], `flow uploads (${up}) exceed bytes.p2pUp (${r.bytes.p2pUp})`);
    }
    if (r.peers.failures > r.peers.attempts) at(['peers', 'failures'], 'must not exceed peers.attempts');
    if (r.qoe.playMs > r.intervalMs) at(['qoe', 'playMs'], 'must not exceed intervalMs');
    else if (r.qoe.rebufferMs > r.intervalMs - r.qoe.playMs)
      at(['qoe', 'rebufferMs'], 'must not exceed intervalMs − qoe.playMs');
    // Only once every field passed on its own: a broken field is reported once, at its own path.
  },
  { when: (payload) => payload.issues.length === 0 },
);
export type TelemetryReport = z.infer<typeof TelemetryReport>;

export interface ReportIssue {
  /** Dot-separated, array items by number: `flows.3.down`; '' for the report itself. */
  path: string;
  message: string;
}

export type ReportParse = { ok: true; report: TelemetryReport } | { ok: false; issues: ReportIssue[] };

/** Validate one report; on failure the broken fields' paths and messages. */
export function parseReport(value: unknown): ReportParse {
  const r = TelemetryReport.safeParse(value);
  if (r.success) return { ok: true, report: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  };
}
