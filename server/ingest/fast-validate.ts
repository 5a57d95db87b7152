import {
  DEVICE_CLASSES,
  MAX_COUNTER_BYTES,
  MAX_FLOWS,
  MAX_FUTURE_MS,
  MAX_PAST_MS,
  P2P_MODES,
  TIB,
  UINT32_MAX,
  type TelemetryReport,
} from '@/lib/telemetry/schema';

/**
 * A hand-written fast path for the common case, a valid report: it returns exactly what
 * `TelemetryReport.parse` would (known fields only), or null whenever anything is off — including
 * cases it does not bother to decide (strings with surrogates), which then go to the zod schema, the
 * single source of truth for rules and error messages. It may say null for a valid report, never
 * accept an invalid one (tested against the schema).
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const int = (v: unknown, min: number, max: number): v is number =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const AWKWARD = /[\u0000\ud800-\udfff]/;
const text = (v: unknown, min: number, max: number): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max && !AWKWARD.test(v);
const REPORT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const DEVICES = new Set<string>(DEVICE_CLASSES);
const MODES = new Set<string>(P2P_MODES);

export function fastValidate(v: unknown, now = Date.now()): TelemetryReport | null {
  if (!isObj(v)) return null;
  const {
    reportId,
    sessionId,
    deviceId,
    peerId,
    ts,
    intervalMs,
    deviceClass,
    clientVersion,
    contentId,
    swarmId,
    p2pMode,
    cohort,
    configVersion,
    optOut,
    bytes,
    flows,
    peers,
    qoe,
    storage,
    asn,
  } = v;
  if (typeof reportId !== 'string' || !REPORT_ID.test(reportId)) return null;
  if (!text(sessionId, 1, 64) || !text(deviceId, 1, 64) || !text(peerId, 1, 64)) return null;
  if (!int(ts, now - MAX_PAST_MS, now + MAX_FUTURE_MS)) return null;
  if (!int(intervalMs, 1, 300_000)) return null;
  if (typeof deviceClass !== 'string' || !DEVICES.has(deviceClass)) return null;
  if (!text(clientVersion, 1, 32) || !text(contentId, 1, 128) || !text(swarmId, 1, 128)) return null;
  if (typeof p2pMode !== 'string' || !MODES.has(p2pMode)) return null;
  if (!text(cohort, 1, 32) || !int(configVersion, 0, UINT32_MAX)) return null;
  if (optOut !== undefined && typeof optOut !== 'boolean') return null;
  if (asn !== undefined && !int(asn, 0, UINT32_MAX)) return null;
  if (
    !isObj(bytes) ||
    !int(bytes.cdn, 0, MAX_COUNTER_BYTES) ||
    !int(bytes.p2pDown, 0, MAX_COUNTER_BYTES) ||
    !int(bytes.p2pUp, 0, MAX_COUNTER_BYTES)
  )
    return null;
  if (
    !isObj(peers) ||
    !int(peers.connected, 0, 10_000) ||
    !int(peers.swarmSize, 0, 100_000_000) ||
    !int(peers.attempts, 0, 1_000_000) ||
    !int(peers.failures, 0, 1_000_000)
  )
    return null;
  if (
    !isObj(qoe) ||
    !int(qoe.playMs, 0, 300_000) ||
    !int(qoe.rebufferMs, 0, 300_000) ||
    !int(qoe.rebufferCount, 0, UINT32_MAX) ||
    !int(qoe.bitrateKbps, 0, UINT32_MAX)
  )
    return null;
  if (qoe.startupMs !== undefined && !int(qoe.startupMs, 0, 600_000)) return null;
  if (qoe.fatalError !== undefined && !text(qoe.fatalError, 1, 64)) return null;
  if (
    storage !== undefined &&
    (!isObj(storage) || (storage.cacheBytes !== undefined && !int(storage.cacheBytes, 0, 16 * TIB)))
  )
    return null;
  let outFlows: TelemetryReport['flows'];
  let down = 0;
  let up = 0;
  if (flows !== undefined) {
    if (!Array.isArray(flows) || flows.length > MAX_FLOWS) return null;
    outFlows = [];
    for (const f of flows) {
      if (
        !isObj(f) ||
        !int(f.peerAsn, 0, UINT32_MAX) ||
        !int(f.down, 0, MAX_COUNTER_BYTES) ||
        !int(f.up, 0, MAX_COUNTER_BYTES)
      )
        return null;
      down += f.down;
      up += f.up;
      outFlows.push({ peerAsn: f.peerAsn, down: f.down, up: f.up });
    }
  }
  // rules between fields
  if (p2pMode === 'off' && (bytes.p2pDown !== 0 || (outFlows && outFlows.length > 0))) return null;
  if (p2pMode !== 'full' && bytes.p2pUp !== 0) return null;
  if (down > (bytes.p2pDown as number) || up > (bytes.p2pUp as number)) return null;
  if ((peers.failures as number) > (peers.attempts as number)) return null;
  if ((qoe.playMs as number) > intervalMs || (qoe.rebufferMs as number) > intervalMs - (qoe.playMs as number))
    return null;

  const out: TelemetryReport = {
    reportId,
    sessionId,
    deviceId,
    peerId,
    ts,
    intervalMs,
    deviceClass: deviceClass as TelemetryReport['deviceClass'],
    clientVersion,
    contentId,
    swarmId,
    p2pMode: p2pMode as TelemetryReport['p2pMode'],
    cohort,
    configVersion,
    bytes: { cdn: bytes.cdn as number, p2pDown: bytes.p2pDown as number, p2pUp: bytes.p2pUp as number },
    peers: {
      connected: peers.connected as number,
      swarmSize: peers.swarmSize as number,
      attempts: peers.attempts as number,
      failures: peers.failures as number,
    },
    qoe: {
      playMs: qoe.playMs as number,
      rebufferMs: qoe.rebufferMs as number,
      rebufferCount: qoe.rebufferCount as number,
      bitrateKbps: qoe.bitrateKbps as number,
    },
  };
  if (optOut !== undefined) out.optOut = optOut;
  if (outFlows !== undefined) out.flows = outFlows;
  if (qoe.startupMs !== undefined) out.qoe.startupMs = qoe.startupMs as number;
  if (qoe.fatalError !== undefined) out.qoe.fatalError = qoe.fatalError as string;
  if (storage !== undefined)
    out.storage =
      (storage as Obj).cacheBytes !== undefined ? { cacheBytes: (storage as Obj).cacheBytes as number } : {};
  if (asn !== undefined) out.asn = asn;
  return out;
}
