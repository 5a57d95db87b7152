import { handleMetrics } from '@/server/observability/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Prometheus metrics: Bearer SWARMDECK_METRICS_TOKEN, or an address in SWARMDECK_METRICS_ALLOW. */
export async function GET(req: Request): Promise<Response> {
  return handleMetrics(req);
}
