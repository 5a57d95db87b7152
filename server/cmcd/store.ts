import { insert, query } from '../clickhouse/client';
import { CMCD_EVENTS_TABLE as EVENTS_TABLE, CmcdSeenSql } from '../clickhouse/queries/cmcd';
import type { GeoInfo } from '../ingest/geo';
import { dt64 } from '../ingest/rows';
import type { CmcdEvent } from './parse';
import { processSlot } from '../core/rate-limit';

/**
 * Stores CMCD events exactly once per (session id, sequence number). Batches are written one after the
 * other in this process (a promise chain): the "seen?" read and the insert of one batch finish before the
 * next batch's read, so two copies arriving at once are decided by the same check — one stored, the other
 * a duplicate. Like telemetry, this needs one writer process per store (README, "Exactly once").
 */

const holder = processSlot<Promise<unknown>>('cmcd.chain');

function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const prev = holder.value ?? Promise.resolve();
  const next = prev.then(fn, fn);
  holder.value = next.catch(() => undefined);
  return next;
}

/** Latest event time stored by this process (ms), so QoE skips the CMCD branch for windows it cannot touch. */
const span = processSlot<{ min: number; max: number }>('cmcd.span');
export function noteStoredSpan(min: number, max: number): void {
  const s = span.value;
  span.value = s ? { min: Math.min(s.min, min), max: Math.max(s.max, max) } : { min, max };
}
export function storedSpan(): { min: number; max: number } | undefined {
  return span.value;
}

function row(ev: CmcdEvent, keyId: string, geo: GeoInfo, receivedAt: number): Record<string, unknown> {
  return {
    session_id: ev.sid,
    sn: ev.sn,
    ts: dt64(ev.ts),
    received_at: dt64(receivedAt),
    event: ev.e,
    sta: ev.sta,
    content_id: ev.cid,
    device_id: ev.deviceId,
    device_class: ev.deviceClass,
    cohort: ev.cohort,
    config_version: ev.configVersion,
    client_version: ev.clientVersion,
    streaming_format: ev.sf,
    stream_type: ev.st,
    br_kbps: ev.brKbps,
    mtp_kbps: ev.mtpKbps,
    bl_ms: ev.blMs,
    msd_ms: ev.msdMs,
    pt_ms: ev.ptMs,
    bs: ev.bs ? 1 : 0,
    bsd_ms: ev.bsdMs,
    error_codes: ev.errorCodes,
    asn: geo.asn,
    isp: geo.isp,
    country: geo.country,
    ingest_key_id: keyId,
  };
}

export interface StoreResult {
  accepted: number;
  duplicates: number;
}

export function storeEvents(events: readonly CmcdEvent[], keyId: string, geo: GeoInfo): Promise<StoreResult> {
  return serialized(async () => {
    const sids = [...new Set(events.map((e) => e.sid))];
    const keys = events.map((e) => `${e.sid}#${e.sn}`);
    const seen = new Set((await query(CmcdSeenSql, { sids, keys })).map((r) => `${r.session_id}#${r.sn}`));
    const fresh: CmcdEvent[] = [];
    for (const e of events) {
      const k = `${e.sid}#${e.sn}`;
      if (seen.has(k)) continue;
      seen.add(k);
      fresh.push(e);
    }
    const now = Date.now();
    await insert(
      EVENTS_TABLE,
      fresh.map((e) => row(e, keyId, geo, now)),
    );
    if (fresh.length > 0) noteStoredSpan(Math.min(...fresh.map((e) => e.ts)), Math.max(...fresh.map((e) => e.ts)));
    return { accepted: fresh.length, duplicates: events.length - fresh.length };
  });
}
