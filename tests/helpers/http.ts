import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendWebResponse, toWebRequest } from '@/server/http/node-adapter';
import { stampPeer } from '@/server/net/peer';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Response | Promise<Response>;
export type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

/**
 * Serves real route handlers over real HTTP on loopback, the way the production server does
 * (the socket's peer address stamped into the request), for integration tests.
 * Patterns use `:name` for a dynamic segment: `/ofrep/v1/evaluate/flags/:key`.
 */
export async function serveRoutes(
  routes: Record<string, RouteModule>,
): Promise<{ url: string; close(): Promise<void> }> {
  const compiled = Object.entries(routes).map(([pattern, mod]) => {
    const names: string[] = [];
    const re = new RegExp(
      `^${pattern.replace(/:([a-zA-Z]+)/g, (_, n: string) => {
        names.push(n);
        return '([^/]+)';
      })}$`,
    );
    return { re, names, mod };
  });
  const server = http.createServer(async (req, res) => {
    try {
      stampPeer(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const match = compiled.map((c) => ({ c, m: c.re.exec(url.pathname) })).find((x) => x.m);
      const handler = match?.c.mod[(req.method ?? 'GET') as keyof RouteModule];
      if (!match || !handler) {
        res.writeHead(match ? 405 : 404).end();
        return;
      }
      const params = Object.fromEntries(match.c.names.map((n, i) => [n, decodeURIComponent(match.m![i + 1]!)]));
      const response = await handler(toWebRequest(req), { params: Promise.resolve(params) });
      await sendWebResponse(res, response);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String((err as Error).stack));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
