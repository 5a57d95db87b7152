import { readCapped } from '@/server/core/body';

/** GET|POST /api/ping — the cheapest route the server has: the ceiling the benchmarks compare against. */
export const dynamic = 'force-dynamic';

/** The benchmarks post a few bytes; anything larger is refused rather than buffered. */
const PING_BODY_LIMIT = 16_384;

export function GET() {
  return Response.json({ ok: true });
}

export async function POST(req: Request) {
  const body = await readCapped(req, PING_BODY_LIMIT);
  if (!body.ok) return Response.json({ error: body.error }, { status: 413 });
  return Response.json({ ok: true });
}
