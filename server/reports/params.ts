/** Query parameters of GET /api/v1/reports/isp; every failure names the parameter (HTTP 400). */

export const REPORT_FORMATS = ['csv', 'xlsx', 'pdf', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const MAX_DAYS = 400;
export const MAX_ASNS = 200;

export interface ReportParams {
  asns: number[];
  from: string;
  to: string;
  format: ReportFormat;
}

export class ParamError extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(`${parameter}: ${message}`);
    this.name = 'ParamError';
  }
}

/** A real calendar date written YYYY-MM-DD, or null. */
export function parseDay(v: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
  const t = Date.parse(`${v}T00:00:00Z`);
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) return null;
  return v;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

function single(sp: URLSearchParams, name: string): string {
  const all = sp.getAll(name);
  if (all.length === 0 || all[0] === '') throw new ParamError(name, 'is required');
  if (all.length > 1) throw new ParamError(name, 'may be given only once');
  return all[0]!;
}

export function parseAsns(values: readonly string[], name = 'asn'): number[] {
  if (values.length === 0) throw new ParamError(name, 'is required (repeat it for several ISPs: asn=3320&asn=3209)');
  const out: number[] = [];
  for (const v of values) {
    const t = v.trim().replace(/^AS/i, '');
    if (!/^\d{1,10}$/.test(t) || Number(t) > 4_294_967_295)
      throw new ParamError(name, `"${v.slice(0, 40)}" is not an AS number (0 … 4294967295)`);
    if (!out.includes(Number(t))) out.push(Number(t));
  }
  if (out.length > MAX_ASNS) throw new ParamError(name, `at most ${MAX_ASNS} ISPs per report`);
  return out;
}

export function parseRange(fromRaw: string, toRaw: string): { from: string; to: string } {
  const from = parseDay(fromRaw);
  if (!from) throw new ParamError('from', `"${fromRaw.slice(0, 40)}" is not a date written YYYY-MM-DD`);
  const to = parseDay(toRaw);
  if (!to) throw new ParamError('to', `"${toRaw.slice(0, 40)}" is not a date written YYYY-MM-DD`);
  if (to < from) throw new ParamError('to', `must not be before from (${from})`);
  if (daysBetween(from, to) > MAX_DAYS)
    throw new ParamError(
      'to',
      `the range may span at most ${MAX_DAYS} days (from ${from} to ${to} is ${daysBetween(from, to)})`,
    );
  return { from, to };
}

export function parseFormat(v: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(v))
    throw new ParamError('format', `must be one of ${REPORT_FORMATS.join(', ')}`);
  return v as ReportFormat;
}

/**
 * Parses the report query. With a share link the ASNs and dates default to the link's own.
 */
export function parseReportParams(
  sp: URLSearchParams,
  defaults?: { asns: number[]; from: string; to: string },
): ReportParams {
  const format = parseFormat(single(sp, 'format'));
  const asnValues = sp.getAll('asn');
  const asns = asnValues.length === 0 && defaults ? defaults.asns : parseAsns(asnValues);
  const fromRaw = sp.getAll('from').length === 0 && defaults ? defaults.from : single(sp, 'from');
  const toRaw = sp.getAll('to').length === 0 && defaults ? defaults.to : single(sp, 'to');
  return { asns, ...parseRange(fromRaw, toRaw), format };
}
