import { evaluateOne, preflight } from '@/server/rollout/ofrep';

export const dynamic = 'force-dynamic';

export async function POST(req: Request, ctx: { params: Promise<{ key: string }> }) {
  return evaluateOne(req, (await ctx.params).key);
}

export function OPTIONS() {
  return preflight();
}
