import zlib from 'node:zlib';

/**
 * The one way a route reads a request body: streamed through a hard byte cap (a declared
 * Content-Length past the cap is refused before reading anything; an undeclared or lying one stops
 * at the cap), and gzip inflated with a hard output cap so a bomb never inflates in full. Past the
 * cap the answer is 413; nothing beyond the cap is ever held in memory.
 */

export type BodyTooLarge = { ok: false; status: 413; error: string; limit: number };
export type CappedBody = { ok: true; bytes: Buffer } | BodyTooLarge;

export const tooLarge = (limit: number, what = 'Body'): BodyTooLarge => ({
  ok: false,
  status: 413,
  error: `${what} larger than ${limit} bytes`,
  limit,
});

/** Read at most `limit` bytes of the request; more is a 413 without reading the rest. */
export async function readCapped(req: Request, limit: number): Promise<CappedBody> {
  const len = Number(req.headers.get('content-length') ?? NaN);
  if (Number.isFinite(len) && len > limit) return tooLarge(limit);
  if (!req.body) return { ok: true, bytes: Buffer.alloc(0) };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  return { ok: true, bytes: Buffer.concat(chunks, size) };
}

/** Inflate gzip into at most `limit` bytes (zlib's maxOutputLength stops the inflater at the cap). */
export function gunzipCapped(
  buf: Buffer,
  limit: number,
): Promise<CappedBody | { ok: false; status: 400; error: string }> {
  return new Promise((resolve) => {
    // 128 KiB output chunks instead of zlib's 16 KiB: a 500-report body inflates in a few steps, not ~20
    // (each a callback and a copy on the main thread)
    zlib.gunzip(buf, { maxOutputLength: limit, chunkSize: 128 * 1024 }, (err, out) => {
      if (!err) return resolve({ ok: true, bytes: out });
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError)
        return resolve(tooLarge(limit));
      resolve({ ok: false, status: 400, error: 'Body is not valid gzip' });
    });
  });
}

/** Read and throw away at most `limit` bytes (keeps a keep-alive connection usable). */
export async function drainCapped(req: Request, limit: number): Promise<void> {
  await readCapped(req, limit).catch(() => undefined);
}
