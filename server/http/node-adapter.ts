import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A node:http request as a web Request (the body streamed, not buffered). */
export function toWebRequest(req: IncomingMessage, base = 'http://127.0.0.1'): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', base), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    // @ts-expect-error Node's fetch needs duplex for a streamed body
    duplex: 'half',
  });
}

/** Write a web Response to a node:http response, with extra headers set first. */
export async function sendWebResponse(
  res: ServerResponse,
  response: Response,
  extra: { key: string; value: string }[] = [],
): Promise<void> {
  const out: Record<string, string | string[]> = {};
  for (const h of extra) out[h.key.toLowerCase()] = h.value;
  response.headers.forEach((v, k) => {
    out[k] = k === 'set-cookie' ? response.headers.getSetCookie() : v;
  });
  res.writeHead(response.status, out);
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  }
  res.end();
}
