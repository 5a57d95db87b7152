/** GET|POST /api/ping — the cheapest route the server has: the ceiling the benchmarks compare against. */
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ ok: true });
}

export async function POST(req: Request) {
  await req.arrayBuffer();
  return Response.json({ ok: true });
}
