import { handleReportRequest } from '@/server/reports/http';

export const dynamic = 'force-dynamic';

export function GET(req: Request): Promise<Response> {
  return handleReportRequest(req);
}
