import { handleCmcdOptions, handleCmcdPost } from '@/server/cmcd/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** CMCD v2 event-mode target (CTA-5004-B) beside the telemetry API; README "CMCD". */
export async function POST(req: Request): Promise<Response> {
  return handleCmcdPost(req);
}

export function OPTIONS(req: Request): Response {
  return handleCmcdOptions(req);
}
