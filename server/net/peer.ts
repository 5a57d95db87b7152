import type { IncomingMessage } from 'node:http';

/**
 * The header through which the HTTP server hands the socket's peer address to route handlers
 * (Next.js gives handlers no socket). Any copy a client sends is dropped first.
 */
export const PEER_HEADER = 'x-swarmdeck-peer';

export function stampPeer(req: IncomingMessage): void {
  delete req.headers[PEER_HEADER];
  const addr = req.socket.remoteAddress;
  if (addr) req.headers[PEER_HEADER] = addr;
}

/** The direct peer's address as stamped by the server ('' when unknown). Never log or store it. */
export function directPeer(headers: Headers): string {
  return headers.get(PEER_HEADER) ?? '';
}

export function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}
