import { handleReady } from '@/server/observability/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Readiness for a load balancer: store, migrations, rollout snapshot. */
export async function GET(req: Request): Promise<Response> {
  return handleReady(req);
}
