import zlib from 'node:zlib';

/**
 * The body of a CMCD event report: `application/cmcd` (what `CmcdReporter` sends) or `text/plain` (a
 * beacon), optionally gzip, read through a hard cap before and after inflating — the same limits as
 * telemetry (server/ingest/body.ts keeps its reader private to the telemetry envelope).
 */

export const MAX_BODY_BYTES = 5 * 1024 * 1024;
export const MAX_LINES = 5_000;

export type BodyFailure = { ok: false; status: 400 | 413 | 415; error: string };

const tooLarge = (): BodyFailure => ({ ok: false, status: 413, error: `Body larger than ${MAX_BODY_BYTES} bytes (after decompression)` });

export function checkContentType(headers: Headers): { ok: true; gzip: boolean } | BodyFailure {
  const ct = headers.get('content-type') ?? '';
  const [media, ...params] = ct.split(';');
  const type = (media ?? '').trim().toLowerCase();
  if (type !== 'application/cmcd' && type !== 'text/plain') {
    return { ok: false, status: 415, error: `Unsupported Content-Type ${type || '(none)'}: use application/cmcd (one CMCD event per line)` };
  }
  for (const p of params) {
    const [name, value] = p.split('=').map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase());
    if (name === 'charset' && value !== 'utf-8') return { ok: false, status: 415, error: `Unsupported charset ${value}: only utf-8` };
  }
  const enc = (headers.get('content-encoding') ?? '').trim().toLowerCase();
  if (enc !== '' && enc !== 'identity' && enc !== 'gzip') return { ok: false, status: 415, error: `Unsupported Content-Encoding ${enc}: only gzip` };
  return { ok: true, gzip: enc === 'gzip' };
}

async function readCapped(req: Request): Promise<Buffer | BodyFailure> {
  const len = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(len) && len > MAX_BODY_BYTES) return tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body's non-blank lines (CMCD's event-mode payload: one event per line). */
export async function readLines(req: Request, gzip: boolean): Promise<{ ok: true; lines: string[] } | BodyFailure> {
  let buf = await readCapped(req);
  if (!Buffer.isBuffer(buf)) return buf;
  if (gzip) {
    const out = await new Promise<Buffer | BodyFailure>((resolve) =>
      // maxOutputLength stops inflating as soon as the output passes the cap: a bomb is never inflated in full.
      zlib.gunzip(buf as Buffer, { maxOutputLength: MAX_BODY_BYTES }, (err, res) => {
        if (!err) return resolve(res);
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return resolve(tooLarge());
        resolve({ ok: false, status: 400, error: 'Body is not valid gzip' });
      }),
    );
    if (!Buffer.isBuffer(out)) return out;
    buf = out;
  }
  let text: string;
  try {
    text = utf8.decode(buf);
  } catch {
    return { ok: false, status: 400, error: 'Body is not valid UTF-8' };
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return { ok: false, status: 400, error: 'No CMCD events in the body' };
  if (lines.length > MAX_LINES) return { ok: false, status: 413, error: `More than ${MAX_LINES} events in one request` };
  return { ok: true, lines };
}
