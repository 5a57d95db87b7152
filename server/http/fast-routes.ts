import type { IncomingMessage, ServerResponse } from 'node:http';
import { API_CSP, SECURITY_HEADERS } from '@/lib/security-headers.mjs';
import { evaluateAll, evaluateOne, preflight } from '../rollout/ofrep';
import { sendWebResponse, toWebRequest } from './node-adapter';
import { logger } from '../observability/logger';

/**
 * OFREP is the hottest route (every player, every poll) and needs nothing of React's request path:
 * the HTTP server answers it here, from the same handlers as app/ofrep/ (which serve it in `next dev`
 * and in tests), with the same headers next.config.js sets. The evaluation reads the in-memory config
 * snapshot, shared on globalThis with the Next.js bundle and kept fresh by the rollout poller.
 */
const FLAGS = '/ofrep/v1/evaluate/flags';
const HEADERS = [...SECURITY_HEADERS, API_CSP];

type Handler = (req: Request) => Response | Promise<Response>;

export function matchFastRoute(method: string | undefined, url: string | undefined): Handler | null {
  if (!url?.startsWith(FLAGS)) return null;
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  if (pathname === FLAGS) {
    if (method === 'POST') return evaluateAll;
    if (method === 'OPTIONS') return () => preflight();
    return null;
  }
  const m = /^\/ofrep\/v1\/evaluate\/flags\/([^/]+)$/.exec(pathname);
  if (!m) return null;
  let key: string;
  try {
    key = decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
  if (method === 'POST') return (req) => evaluateOne(req, key);
  if (method === 'OPTIONS') return () => preflight();
  return null;
}

export async function serveFast(handler: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    await sendWebResponse(res, await handler(toWebRequest(req)), HEADERS);
  } catch (err) {
    if (!res.headersSent) {
      // The cause goes to the log, never to the caller (it may be the store's own message).
      logger({ area: 'ofrep' }).error({ err: (err as Error).message }, 'fast path failed');
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorCode: 'GENERAL', errorDetails: 'The flag could not be evaluated; try again.' }));
    } else res.destroy();
  }
}
