import { CSV_COLUMNS, type ReportLine } from './compute';

/** A text cell a spreadsheet would run as a formula gets a leading apostrophe (reports contract v1). */
export function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180 field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const TEXT_COLUMNS = new Set(['date', 'isp']);

/** The report as CSV: RFC 4180 (CRLF line ends), UTF-8, the contract's exact header. */
export function toCsv(lines: readonly ReportLine[]): string {
  const out = [CSV_COLUMNS.join(',')];
  for (const l of lines) {
    out.push(CSV_COLUMNS.map((c) => csvField(TEXT_COLUMNS.has(c) ? spreadsheetSafe(l[c]) : l[c])).join(','));
  }
  return `${out.join('\r\n')}\r\n`;
}
