import type { TelemetryReport } from '@/lib/telemetry/schema';
import { asnName, UNKNOWN_GEO, type GeoInfo } from './geo';
import { serializeRow } from './rows';
import { ingestWriter, type WriteResult } from './writer';

export interface IngestOptions {
  /** the ingest key the reports came with ('bootstrap', a key id, or e.g. 'backfill') */
  keyId: string;
  /** a trusted relay's reports keep their own `asn` */
  trustedRelay: boolean;
  /** the client's enrichment, or a function giving it per report */
  geo?: GeoInfo | ((r: TelemetryReport) => GeoInfo);
}

/** The geo a report is stored with: the client address's, or a trusted relay's own `asn`. */
export function reportGeo(r: TelemetryReport, opts: IngestOptions): GeoInfo {
  const g = typeof opts.geo === 'function' ? opts.geo(r) : (opts.geo ?? UNKNOWN_GEO);
  if (opts.trustedRelay && r.asn !== undefined && r.asn !== g.asn) {
    return { asn: r.asn, isp: asnName(r.asn), country: '' };
  }
  return g;
}

const CHUNK = 10_000;

/**
 * Store already-validated reports exactly once, without HTTP (the HTTP endpoint and the demo backfill
 * both come through here). Resolves after the insert committed: accepted = newly stored, duplicates =
 * already stored in the last 24 h (or repeated in this call).
 */
export async function ingestReports(reports: readonly TelemetryReport[], opts: IngestOptions): Promise<WriteResult> {
  const total: WriteResult = { accepted: 0, duplicates: 0 };
  for (let i = 0; i < reports.length; i += CHUNK) {
    const part = reports.slice(i, i + CHUNK);
    const r = await ingestWriter().submit(
      part.map((x) => x.reportId),
      part.map((x) => serializeRow(x, { keyId: opts.keyId, geo: reportGeo(x, opts) })),
    );
    total.accepted += r.accepted;
    total.duplicates += r.duplicates;
  }
  return total;
}
