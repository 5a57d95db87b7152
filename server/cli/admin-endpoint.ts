import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopback } from '../net/peer';
import { CliUsageError, runCommand } from './commands';

/**
 * The loopback-only admin path through which CLI tools reach a running server that holds the embedded
 * store's lock. The server writes a fresh random token next to the data (mode 0600); a CLI that can read
 * it is on this machine with access to the data directory, which is what opening the store would need.
 */
export const ADMIN_PATH = '/_admin/cli';

export interface ServerHandle {
  port: number;
  pid: number;
  token: string;
}

export function handleFile(dataDir: string): string {
  return path.join(dataDir, '.swarmdeck-server.json');
}

export function writeServerHandle(dataDir: string, port: number): ServerHandle {
  const handle: ServerHandle = { port, pid: process.pid, token: crypto.randomBytes(32).toString('base64url') };
  const file = handleFile(dataDir);
  fs.writeFileSync(file, JSON.stringify(handle), { mode: 0o600 });
  return handle;
}

export function removeServerHandle(dataDir: string): void {
  try {
    const file = handleFile(dataDir);
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as ServerHandle;
    if (h.pid === process.pid) fs.unlinkSync(file);
  } catch {
    // nothing to remove
  }
}

export function readServerHandle(dataDir: string): ServerHandle | null {
  try {
    return JSON.parse(fs.readFileSync(handleFile(dataDir), 'utf8')) as ServerHandle;
  } catch {
    return null;
  }
}

/** Headers a proxy adds when it forwards a request. */
const FORWARDED_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'];

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function handleAdmin(req: IncomingMessage, res: ServerResponse, handle: ServerHandle): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return send(res, 404, { error: 'Not found' });
  // A reverse proxy on this machine also connects from loopback: a request it forwards is not local.
  if (FORWARDED_HEADERS.some((h) => h in req.headers))
    return send(res, 403, { error: 'The admin path only takes direct local requests' });
  if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
  const auth = req.headers.authorization ?? '';
  const given = Buffer.from(auth.replace(/^Bearer /, ''));
  const want = Buffer.from(handle.token);
  if (given.length !== want.length || !crypto.timingSafeEqual(given, want)) {
    return send(res, 401, { error: 'Admin token missing or wrong' });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1 << 20) return send(res, 413, { error: 'Body over 1 MiB' });
    chunks.push(c as Buffer);
  }
  let body: { command?: unknown; args?: unknown };
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return send(res, 400, { error: 'Body is not JSON' });
  }
  if (typeof body.command !== 'string' || typeof body.args !== 'object' || body.args === null) {
    return send(res, 400, { error: 'Expected {"command": string, "args": object}' });
  }
  try {
    const lines = await runCommand(body.command, body.args as Record<string, unknown>);
    send(res, 200, { lines });
  } catch (err) {
    send(res, err instanceof CliUsageError ? 400 : 500, { error: (err as Error).message });
  }
}
