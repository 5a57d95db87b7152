import type { TelemetryReport } from '@/lib/telemetry/schema';
import type { GeoInfo } from './geo';

/** ms since epoch → the `seconds.millis` text DateTime64(3) parses exactly. */
export function dt64(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${s}.${String(ms - s * 1000).padStart(3, '0')}`;
}

export interface RowMeta {
  keyId: string;
  geo: GeoInfo;
}

/**
 * One report as a JSONCompactEachRow line in RAW_COLUMNS order, with `\u0001` where received_at goes
 * (the writer fills it at commit time). Flows with the same peerAsn are summed: one flow per remote ASN.
 */
export const RECEIVED_AT_MARK = '"\\u0001"';

export function serializeRow(r: TelemetryReport, meta: RowMeta): string {
  const flowAsn: number[] = [];
  const flowDown: number[] = [];
  const flowUp: number[] = [];
  if (r.flows && r.flows.length > 0) {
    const at = new Map<number, number>();
    for (const f of r.flows) {
      const k = at.get(f.peerAsn);
      if (k === undefined) {
        at.set(f.peerAsn, flowAsn.length);
        flowAsn.push(f.peerAsn);
        flowDown.push(f.down);
        flowUp.push(f.up);
      } else {
        flowDown[k]! += f.down;
        flowUp[k]! += f.up;
      }
    }
  }
  const q = r.qoe;
  return JSON.stringify([
    r.reportId,
    dt64(r.ts),
    '\u0001',
    r.intervalMs,
    r.sessionId,
    r.deviceId,
    r.peerId,
    r.deviceClass,
    r.clientVersion,
    r.contentId,
    r.swarmId,
    r.p2pMode,
    r.cohort,
    r.configVersion,
    r.optOut ? 1 : 0,
    meta.geo.asn,
    meta.geo.isp,
    meta.geo.country,
    r.bytes.cdn,
    r.bytes.p2pDown,
    r.bytes.p2pUp,
    flowAsn,
    flowDown,
    flowUp,
    r.peers.connected,
    r.peers.swarmSize,
    r.peers.attempts,
    r.peers.failures,
    q.playMs,
    q.rebufferMs,
    q.rebufferCount,
    q.startupMs ?? null,
    q.bitrateKbps,
    q.fatalError ?? '',
    r.storage?.cacheBytes ?? null,
    meta.keyId,
  ]);
}
