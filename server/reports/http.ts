import { audit } from '../audit/log';
import { StoreError } from '../clickhouse/client';
import { reportAccess } from './access';
import { ServiceError, httpErrorOf } from '../core/errors';
import { generateReport, sharedReport } from './generate';
import { reportJson, reportLines, type Report } from './compute';
import { toCsv } from './csv';
import { ParamError, parseReportParams, type ReportFormat } from './params';
import { toPdf } from './pdf';
import { toXlsx } from './xlsx';

const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

export async function renderReport(report: Report, format: ReportFormat): Promise<Buffer> {
  switch (format) {
    case 'csv':
      return Buffer.from(toCsv(reportLines(report)), 'utf8');
    case 'json':
      return Buffer.from(JSON.stringify(reportJson(report)), 'utf8');
    case 'xlsx':
      return toXlsx(report);
    case 'pdf':
      return toPdf(report);
  }
}

export function reportFilename(p: { asns: number[]; from: string; to: string; format: ReportFormat }): string {
  const asns = p.asns.length <= 3 ? p.asns.map((a) => `as${a}`).join('-') : `${p.asns.length}-isps`;
  return `swarmdeck-isp-report-${asns}-${p.from}-to-${p.to}.${p.format}`;
}

const NO_STORE = { 'cache-control': 'no-store' };

function error(status: number, body: Record<string, unknown>): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

/** GET /api/v1/reports/isp (reports contract v1): parse, authorize, compute, render, audit. */
export async function handleReportRequest(req: Request): Promise<Response> {
  const sp = new URL(req.url).searchParams;
  const shareToken = sp.has('share') ? (sp.get('share') ?? '') : null;
  try {
    const access = await reportAccess(req, shareToken);
    if (!access.ok) return error(access.status, { error: access.error });
    let params;
    try {
      params = parseReportParams(
        sp,
        access.share ? { asns: access.share.asns, from: access.share.from, to: access.share.to } : undefined,
      );
    } catch (e) {
      if (e instanceof ParamError) return error(400, { error: e.message, parameter: e.parameter });
      throw e;
    }
    if (access.share) {
      const s = access.share;
      const outside = params.asns.find((a) => !s.asns.includes(a));
      if (outside !== undefined)
        return error(403, { error: `asn: AS${outside} is not part of this share link.`, parameter: 'asn' });
      if (params.from < s.from || params.to > s.to)
        return error(403, {
          error: `from/to: this share link covers ${s.from} to ${s.to} only.`,
          parameter: params.from < s.from ? 'from' : 'to',
        });
    }
    const report = access.share ? await sharedReport(access.share.id, params) : await generateReport(params);
    const body = await renderReport(report, params.format);
    await audit({
      actor: access.actor,
      action: 'report.downloaded',
      target: { type: 'report', id: params.asns.join(',') },
      details: {
        asns: params.asns,
        from: params.from,
        to: params.to,
        format: params.format,
        bytes: body.length,
        ...(access.share && { shareLinkId: access.share.id }),
      },
    });
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        ...NO_STORE,
        'content-type': CONTENT_TYPES[params.format],
        'content-length': String(body.length),
        'content-disposition': `${params.format === 'json' ? 'inline' : 'attachment'}; filename="${reportFilename(params)}"`,
        'x-content-type-options': 'nosniff',
      },
    });
  } catch (e) {
    if (e instanceof StoreError || e instanceof ServiceError) return httpErrorOf(e);
    throw e;
  }
}
