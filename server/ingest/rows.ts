import type { TelemetryReport } from '@/lib/telemetry/schema';
import { RAW_COLUMNS } from '../clickhouse/queries/ingest';
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
 * Column order of a serialized row: telemetry_raw's, with received_at moved last, because the writer
 * learns it only when it takes the batch and appending a field is cheaper than searching for a mark.
 */
export const ROW_COLUMNS: readonly [string, ...string[]] = [
  RAW_COLUMNS[0],
  ...RAW_COLUMNS.slice(1).filter((c) => c !== 'received_at'),
  'received_at',
];

/** A serialized row completed with its received_at (`dt64` text), ready for the INSERT. */
export function withReceivedAt(line: string, receivedDt64: string): string {
  return `${line.slice(0, -1)},"${receivedDt64}"]`;
}

/**
 * One report as a JSONCompactEachRow line in ROW_COLUMNS order, without received_at (withReceivedAt adds
 * it). Flows with the same peerAsn are summed: one flow per remote ASN.
 */
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
