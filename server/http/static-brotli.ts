import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * Brotli for the build's JavaScript and CSS. Next compresses with gzip only; brotli at quality 11 makes
 * the console's chunks about 15 % smaller. The chunks under `/_next/static/` are immutable (their names
 * carry their hash), so each is compressed once — all of them in the background at start-up, or on the
 * first request that comes before — and kept in memory. Only a GET or HEAD whose Accept-Encoding takes
 * br is answered here; everything else (gzip, identity, ranges, other paths, a missing file) goes on to
 * Next.js unchanged.
 */
const PREFIX = '/_next/static/';
const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
};
/** What Next sends for `/_next/static/` in production. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * Of the security headers every response carries (lib/security-headers.mjs), a script or style sheet
 * needs only nosniff: Referrer-Policy, X-Frame-Options, Cross-Origin-Opener-Policy and Permissions-Policy
 * govern documents, and a chunk is never one. A console page loads ~14 chunks, so the four cost ≈ 3 KiB
 * a cold load on HTTP/1.1 (page-weight budget, see README "Dashboards → Page weight").
 */
const ASSET_HEADERS = { 'X-Content-Type-Options': 'nosniff' } as const;

const brotliCompress = promisify(zlib.brotliCompress);

interface Encoded {
  body: Buffer;
  etag: string;
  lastModified: string;
  /** Whole seconds, as Last-Modified / If-Modified-Since carry them. */
  mtimeSec: number;
}

/** True when the Accept-Encoding header takes br (named with q > 0, or `*` with q > 0 and br not refused). */
export function acceptsBrotli(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const ok = Number.isFinite(q) && q > 0;
    if (name.trim() === 'br') return ok;
    if (name.trim() === '*') star = ok;
  }
  return star;
}

/** The file under `staticRoot` a `/_next/static/…` URL names, or null (not a .js/.css there, or escaping it). */
export function staticFile(staticRoot: string, url: string | undefined): string | null {
  if (!url?.startsWith(PREFIX)) return null;
  const q = url.search(/[?#]/);
  let rel: string;
  try {
    rel = decodeURIComponent((q < 0 ? url : url.slice(0, q)).slice(PREFIX.length));
  } catch {
    return null;
  }
  if (!(path.extname(rel) in TYPES) || rel.includes('\0') || rel.split(/[\\/]/).includes('..')) return null;
  const file = path.join(staticRoot, rel);
  return file.startsWith(staticRoot + path.sep) ? file : null;
}

function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

export interface StaticBrotli {
  /** Answers the request if it is for a built .js/.css and takes br; false (nothing sent) leaves it to Next. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Compresses every .js/.css of the build, one at a time; resolves with how many. */
  warm(): Promise<number>;
}

export function staticBrotli(distDir: string): StaticBrotli {
  const root = path.resolve(distDir, 'static');
  const cache = new Map<string, Promise<Encoded | null>>();

  /** The file's brotli form, once per file; null when it does not make the file smaller. */
  function encoded(file: string): Promise<Encoded | null> {
    let hit = cache.get(file);
    if (!hit) {
      hit = (async () => {
        const [raw, stat] = await Promise.all([fs.readFile(file), fs.stat(file)]);
        const body = await brotliCompress(raw, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        });
        if (body.length >= raw.length) return null;
        const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
        return {
          body,
          etag: `"br-${hash}"`,
          lastModified: stat.mtime.toUTCString(),
          mtimeSec: Math.floor(stat.mtimeMs / 1000),
        };
      })();
      // A failure (say the file vanished) is not remembered: the request goes to Next, a later one retries.
      hit.catch(() => cache.delete(file));
      cache.set(file, hit);
    }
    return hit;
  }

  return {
    async serve(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      // A range of an encoded body is not what the client's byte offsets mean: Next answers ranges.
      if (req.headers.range !== undefined || !acceptsBrotli(req.headers['accept-encoding'])) return false;
      const file = staticFile(root, req.url);
      if (!file) return false;
      let br: Encoded | null;
      try {
        br = await encoded(file);
      } catch {
        return false;
      }
      if (!br) return false;
      const headers: Record<string, string | number> = {
        ...ASSET_HEADERS,
        'Cache-Control': IMMUTABLE,
        Vary: 'Accept-Encoding',
        ETag: br.etag,
        'Last-Modified': br.lastModified,
      };
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2); an unparsable date is NaN: not fresh.
      const since = ims === undefined ? NaN : Date.parse(ims);
      const fresh = inm !== undefined ? etagMatches(inm, br.etag) : since >= br.mtimeSec * 1000;
      if (fresh) {
        res.writeHead(304, headers);
        res.end();
        return true;
      }
      res.writeHead(200, {
        ...headers,
        'Content-Type': TYPES[path.extname(file)]!,
        'Content-Encoding': 'br',
        'Content-Length': br.body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : br.body);
      return true;
    },

    async warm() {
      let n = 0;
      let entries: string[];
      try {
        entries = await fs.readdir(root, { recursive: true });
      } catch {
        return 0;
      }
      for (const rel of entries) {
        if (!(path.extname(rel) in TYPES)) continue;
        try {
          if (await encoded(path.join(root, rel))) n++;
        } catch {
          // left to the first request
        }
      }
      return n;
    },
  };
}
