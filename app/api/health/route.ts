import { health } from '@/server/health';

export const dynamic = 'force-dynamic';

export async function GET() {
  const { httpStatus, body } = await health();
  return Response.json(body, { status: httpStatus, headers: { 'cache-control': 'no-store' } });
}
