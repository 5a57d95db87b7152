import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAdmin, type ServerHandle } from './admin-endpoint';

const handle: ServerHandle = { port: 0, pid: process.pid, token: 'admin-token-for-the-test-0123456789abcdef' };
let server: http.Server;
let url = '';

beforeAll(async () => {
  server = http.createServer((req, res) => void handleAdmin(req, res, handle));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_admin/cli`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const call = (headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${handle.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ command: 'no-such-command', args: {} }),
  });

describe('loopback admin path', () => {
  it('reaches the command runner on a direct local request (an unknown command is a usage error)', async () => {
    expect((await call()).status).toBe(400);
  });

  it('refuses a request a local reverse proxy forwarded, even with the right token', async () => {
    for (const h of ['x-forwarded-for', 'forwarded', 'x-forwarded-host', 'x-real-ip']) {
      const res = await call({ [h]: h === 'forwarded' ? 'for=203.0.113.9' : '203.0.113.9' });
      expect(res.status).toBe(403);
    }
  });
});
