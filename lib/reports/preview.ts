/** The report preview the Reports page and the share page render (client-safe types and helpers). */

export type ReportCell = string | number | null;

export interface ReportPreviewIsp {
  asn: number;
  isp: string;
  totals: Record<string, ReportCell>;
  rows: Record<string, ReportCell>[];
  partners: { asn: number; isp: string; down: number; up: number }[];
  daily: { date: string; cdn: number; p2p: number; intra: number; in: number; out: number; balance: number | null }[];
}

export interface ReportPreview {
  from: string;
  to: string;
  generatedAt: number;
  isps: ReportPreviewIsp[];
}

export const REPORT_DOWNLOAD_FORMATS = [
  { format: 'csv', label: 'CSV' },
  { format: 'xlsx', label: 'Spreadsheet (XLSX)' },
  { format: 'pdf', label: 'PDF' },
  { format: 'json', label: 'JSON' },
] as const;

/** The download URL of the reports API for a selection (or a share link's token). */
export function reportUrl(p: { asns?: number[]; from?: string; to?: string; format: string; share?: string }): string {
  const sp = new URLSearchParams();
  if (p.share) sp.set('share', p.share);
  for (const a of p.asns ?? []) sp.append('asn', String(a));
  if (p.from) sp.set('from', p.from);
  if (p.to) sp.set('to', p.to);
  sp.set('format', p.format);
  return `/api/v1/reports/isp?${sp}`;
}

/** UTC day YYYY-MM-DD, `offsetDays` from now. */
export function utcDay(offsetDays = 0, now = Date.now()): string {
  return new Date(now + offsetDays * 86_400_000).toISOString().slice(0, 10);
}
