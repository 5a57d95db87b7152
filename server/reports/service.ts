import { z } from 'zod';
import { listAudit, type AuditActor } from '../audit/log';
import { query } from '../clickhouse/client';
import { IspSearchSql, IspSearchRow } from '../clickhouse/queries/reports';
import type { ReportPreview } from '@/lib/reports/preview';
import { jsonLine, type Report } from './compute';
import { generateReport } from './generate';
import { parseAsns, parseRange } from './params';

/** What the Reports page and the share page show: the report's rows, totals, chart series and partners. */

export const PreviewInput = z
  .object({
    asns: z.array(z.number().int().min(0).max(4_294_967_295)).min(1).max(200),
    from: z.string(),
    to: z.string(),
  })
  .superRefine((v, ctx) => {
    try {
      parseAsns(v.asns.map(String));
      parseRange(v.from, v.to);
    } catch (e) {
      ctx.addIssue({
        code: 'custom',
        message: (e as Error).message,
        path: [String((e as { parameter?: string }).parameter ?? 'from')],
      });
    }
  });
export type PreviewInput = z.infer<typeof PreviewInput>;

export function previewOf(r: Report): ReportPreview {
  return {
    from: r.from,
    to: r.to,
    generatedAt: r.generatedAt,
    isps: r.isps.map((i) => ({
      asn: i.asn,
      isp: i.isp,
      totals: jsonLine(i.totals.line, false),
      rows: i.days.map((d) => jsonLine(d.line)),
      partners: i.partners.map((p) => ({ asn: p.asn, isp: p.isp, down: Number(p.down), up: Number(p.up) })),
      daily: i.days.map((d) => ({
        date: d.date,
        cdn: Number(d.figures.cdn),
        p2p: Number(d.figures.p2pDown),
        intra: Number(d.figures.intra),
        in: Number(d.figures.in),
        out: Number(d.figures.out),
        balance: d.line.balance === '' ? null : Number(d.line.balance),
      })),
    })),
  };
}

export async function previewReport(input: PreviewInput): Promise<ReportPreview> {
  return previewOf(await generateReport(input));
}

export async function searchIsps(q: string, limit = 20): Promise<IspSearchRow[]> {
  return query(IspSearchSql, { q: q.trim().replace(/^AS(?=\d)/i, ''), limit });
}

export interface DownloadEntry {
  at: string;
  who: string;
  via: AuditActor['kind'];
  format: string;
  asns: number[];
  from: string;
  to: string;
}

export async function recentDownloads(limit = 20): Promise<DownloadEntry[]> {
  const rows = await listAudit({ action: 'report.downloaded', limit });
  return rows.map((r) => {
    let d: { format?: string; asns?: number[]; from?: string; to?: string } = {};
    try {
      d = JSON.parse(r.details || '{}') as typeof d;
    } catch {
      /* an unreadable row still lists who and when */
    }
    const via = r.actor_kind as AuditActor['kind'];
    const who =
      via === 'user'
        ? r.actor_email || r.actor_id
        : via === 'token'
          ? `API token ${r.actor_email || r.actor_id}`
          : via === 'share'
            ? `share link ${r.actor_id.slice(0, 8)}`
            : r.actor_id;
    return { at: r.ts, who, via, format: d.format ?? '', asns: d.asns ?? [], from: d.from ?? '', to: d.to ?? '' };
  });
}
