import { gunzipCapped, readCapped } from '../core/body';

/**
 * The body of a CMCD event report: `application/cmcd` (what `CmcdReporter` sends) or `text/plain` (a
 * beacon), optionally gzip, read through the one capped reader (server/core/body.ts) before and after
 * inflating, with telemetry's limits.
 */

export const MAX_BODY_BYTES = 5 * 1024 * 1024;
export const MAX_LINES = 5_000;

export type BodyFailure = { ok: false; status: 400 | 413 | 415; error: string };

export function checkContentType(headers: Headers): { ok: true; gzip: boolean } | BodyFailure {
  const ct = headers.get('content-type') ?? '';
  const [media, ...params] = ct.split(';');
  const type = (media ?? '').trim().toLowerCase();
  if (type !== 'application/cmcd' && type !== 'text/plain') {
    return {
      ok: false,
      status: 415,
      error: `Unsupported Content-Type ${type || '(none)'}: use application/cmcd (one CMCD event per line)`,
    };
  }
  for (const p of params) {
    const [name, value] = p.split('=').map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase());
    if (name === 'charset' && value !== 'utf-8')
      return { ok: false, status: 415, error: `Unsupported charset ${value}: only utf-8` };
  }
  const enc = (headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (enc !== '' && enc !== 'identity' && enc !== 'gzip')
    return { ok: false, status: 415, error: `Unsupported Content-Encoding ${enc}: only gzip` };
  return { ok: true, gzip: enc === 'gzip' };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body's non-blank lines (CMCD's event-mode payload: one event per line). */
export async function readLines(req: Request, gzip: boolean): Promise<{ ok: true; lines: string[] } | BodyFailure> {
  const read = await readCapped(req, MAX_BODY_BYTES);
  if (!read.ok) return { ok: false, status: 413, error: `Body larger than ${MAX_BODY_BYTES} bytes` };
  let buf = read.bytes;
  if (gzip) {
    const out = await gunzipCapped(buf, MAX_BODY_BYTES);
    if (!out.ok)
      return out.status === 413
        ? { ok: false, status: 413, error: `Body larger than ${MAX_BODY_BYTES} bytes after decompression` }
        : out;
    buf = out.bytes;
  }
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    return { ok: false, status: 400, error: 'Body is not valid UTF-8' };
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return { ok: false, status: 400, error: 'No CMCD events in the body' };
  if (lines.length > MAX_LINES)
    return { ok: false, status: 413, error: `More than ${MAX_LINES} events in one request` };
  return { ok: true, lines };
}
