import { evaluateAll, preflight } from '@/server/rollout/ofrep';

export const dynamic = 'force-dynamic';

export function POST(req: Request) {
  return evaluateAll(req);
}

export function OPTIONS() {
  return preflight();
}
