import ExcelJS from 'exceljs';
import { CSV_COLUMNS, type CsvColumn, type Report, type ReportLine } from './compute';
import { spreadsheetSafe } from './csv';

/** Header cells of the spreadsheet: the CSV's column names with their units. */
export const XLSX_HEADERS: Record<CsvColumn, string> = {
  date: 'date (UTC)',
  asn: 'asn',
  isp: 'isp',
  delivered_cdn_bytes: 'delivered_cdn_bytes (bytes)',
  p2p_intra_bytes: 'p2p_intra_bytes (bytes)',
  p2p_in_bytes: 'p2p_in_bytes (bytes)',
  p2p_out_bytes: 'p2p_out_bytes (bytes)',
  balance: 'balance (out/in)',
  offload_ratio: 'offload_ratio (0-1)',
  peak_mbps_p95: 'peak_mbps_p95 (Mbit/s)',
  sessions: 'sessions (count)',
  play_hours: 'play_hours (h)',
  rebuffer_ratio: 'rebuffer_ratio (0-1)',
};

const FORMATS: Partial<Record<CsvColumn, string>> = {
  delivered_cdn_bytes: '#,##0',
  p2p_intra_bytes: '#,##0',
  p2p_in_bytes: '#,##0',
  p2p_out_bytes: '#,##0',
  sessions: '#,##0',
  balance: '0.000000',
  offload_ratio: '0.000000',
  rebuffer_ratio: '0.000000',
  peak_mbps_p95: '0.000',
  play_hours: '0.000',
};

function cell(c: CsvColumn, v: string): string | number | null {
  if (c === 'isp') return spreadsheetSafe(v);
  if (c === 'date') return v;
  return v === '' ? null : Number(v);
}

function addSheet(wb: ExcelJS.Workbook, name: string, columns: readonly CsvColumn[], lines: readonly ReportLine[]) {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({
    header: XLSX_HEADERS[c],
    key: c,
    width: Math.max(12, XLSX_HEADERS[c].length + 2),
    style: FORMATS[c] ? { numFmt: FORMATS[c] } : {},
  }));
  ws.getRow(1).font = { bold: true };
  for (const l of lines) ws.addRow(Object.fromEntries(columns.map((c) => [c, cell(c, l[c])])));
}

/** The report as .xlsx: a daily sheet and a totals sheet, numbers as numbers, units in the headers. */
export async function toXlsx(r: Report): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Swarmdeck';
  wb.created = new Date(r.generatedAt);
  addSheet(
    wb,
    'daily',
    CSV_COLUMNS,
    r.isps.flatMap((i) => i.days.map((d) => d.line)),
  );
  addSheet(
    wb,
    'totals',
    CSV_COLUMNS.filter((c) => c !== 'date'),
    r.isps.map((i) => i.totals.line),
  );
  const defs = wb.addWorksheet('definitions');
  defs.columns = [
    { header: 'figure', key: 'k', width: 24 },
    { header: 'definition', key: 'v', width: 120 },
  ];
  defs.getRow(1).font = { bold: true };
  defs.addRow({ k: 'period', v: `${r.from} to ${r.to} (UTC days, inclusive)` });
  for (const [k, v] of Object.entries(DEFINITIONS)) defs.addRow({ k, v });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** What every figure means, for the spreadsheet and the PDF appendix. */
export const DEFINITIONS: Record<string, string> = {
  delivered_cdn_bytes: 'Bytes the service delivered from its CDN to viewers inside the ISP.',
  p2p_intra_bytes:
    "Bytes viewers inside the ISP received from other viewers inside the same ISP (traffic that never crossed the ISP's border).",
  p2p_in_bytes:
    'Bytes viewers inside the ISP received from viewers in other, known ISPs (cross-ISP traffic into the ISP).',
  p2p_out_bytes:
    'Bytes viewers inside the ISP uploaded to viewers in other, known ISPs (cross-ISP traffic out of the ISP).',
  balance:
    'p2p_out / p2p_in: 1.0 means balanced cross-ISP exchange; empty when p2p_in is 0. Flows with peers of unknown ISP count in neither.',
  offload_ratio:
    "Share of the ISP's viewers' video that came from peers: P2P bytes received / (P2P bytes received + CDN bytes).",
  peak_mbps_p95:
    'Nearest-rank 95th percentile of the 5-minute average rates (Mbit/s) of CDN + cross-ISP P2P traffic into the ISP, over every started 5-minute bucket (empty buckets count as 0).',
  sessions: 'Exact number of distinct playback sessions with at least one report.',
  play_hours: 'Hours of video played.',
  rebuffer_ratio: 'Time stalled after playback had started / (time playing + time stalled).',
};
