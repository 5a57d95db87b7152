import { handleTelemetryPost, handleTelemetryPreflight } from '@/server/ingest/http';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

/** Telemetry contract v1 (shared/spec/telemetry-v1.md). */
export async function POST(req: Request): Promise<Response> {
  return handleTelemetryPost(req);
}

/** CORS preflight for web players (contract v1.1, Browsers). */
export function OPTIONS(req: Request): Response {
  return handleTelemetryPreflight(req);
}
