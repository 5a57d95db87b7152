import { z } from 'zod';
import { readCapped } from '../core/body';
import { clearedSessionCookie, sealSession, sessionCookie } from './session';
import { isCrossSite, isHttps } from './request';

/** Shared plumbing for the auth route handlers (plain web Request → Response). */

export const NO_STORE = { 'cache-control': 'no-store' } as const;

export function crossSiteRefusal(req: Request): Response | null {
  return isCrossSite(req)
    ? Response.json({ error: 'Cross-site request refused.' }, { status: 403, headers: NO_STORE })
    : null;
}

/** Sign-in and invite forms are a few hundred bytes; 16 KiB leaves room and bounds memory per request. */
export const AUTH_BODY_LIMIT = 16_384;

/**
 * Read a small JSON or form body into an object (null when unreadable), through the capped reader:
 * past AUTH_BODY_LIMIT the answer is a ready 413 Response for the route to return.
 */
export async function readBody(req: Request): Promise<Record<string, unknown> | null | Response> {
  const type = req.headers.get('content-type') ?? '';
  const read = await readCapped(req, AUTH_BODY_LIMIT).catch(() => null);
  if (read === null) return null;
  if (!read.ok)
    return Response.json(
      { error: `The request body is larger than ${AUTH_BODY_LIMIT} bytes.` },
      { status: 413, headers: NO_STORE },
    );
  const text = read.bytes.toString('utf8');
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const v: unknown = JSON.parse(text || '{}');
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export async function withSessionCookie(req: Request, userId: string, body: unknown): Promise<Response> {
  const seal = await sealSession(userId);
  return Response.json(body, { headers: { ...NO_STORE, 'set-cookie': sessionCookie(seal, { secure: isHttps(req) }) } });
}

export function clearingSession(req: Request, res: { status?: number; body?: unknown; location?: string }): Response {
  const headers = new Headers(NO_STORE);
  headers.append('set-cookie', clearedSessionCookie({ secure: isHttps(req) }));
  if (res.location) {
    headers.set('location', res.location);
    return new Response(null, { status: res.status ?? 303, headers });
  }
  return Response.json(res.body ?? { ok: true }, { status: res.status ?? 200, headers });
}

/** Only same-site relative paths may be a post-sign-in destination. */
export const NextPath = z
  .string()
  .regex(/^\/(?![/\\])[^\s]*$/)
  .catch('/overview');
