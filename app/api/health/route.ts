import { health } from '@/server/health';
import { isAdmin } from '@/server/observability/http';

export const dynamic = 'force-dynamic';

/** Liveness (and the store's state). Raw error text only for a signed-in admin. */
export async function GET(req: Request) {
  const { httpStatus, body } = await health({ detailed: await isAdmin(req.headers) });
  return Response.json(body, { status: httpStatus, headers: { 'cache-control': 'no-store' } });
}
