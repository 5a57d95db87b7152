import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyIdle } from '@/server/notify/service';
import { resetSnapshot } from '@/server/rollout/snapshot';
import { callerAs } from '../helpers/auth';
import { withFreshStore } from '../helpers/store';

withFreshStore({
  SWARMDECK_SESSION_SECRET: 'a-session-secret-for-webhook-tests-0123456789',
  SWARMDECK_WEBHOOK_BACKOFF_MS: '20',
  SWARMDECK_WEBHOOK_ATTEMPTS: '3',
});

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real local receiver: records every POST; /flaky fails its first request; /hold waits until released. */
let server: http.Server;
let base = '';
/** A port nothing listens on (taken, then released). */
let deadUrl = '';
const received: Received[] = [];
let flakyCount = 0;
let release: () => void = () => {};
const held = new Promise<void>((r) => (release = r));

beforeAll(async () => {
  resetSnapshot();
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      if (req.url === '/flaky' && flakyCount++ === 0) {
        res.writeHead(500).end('not yet');
        return;
      }
      if (req.url === '/hold') {
        void held.then(() => res.writeHead(204).end());
        return;
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/dead`;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  release();
  await new Promise((r) => server.close(r));
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return e instanceof TRPCError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'OK';
}

describe('webhooks', () => {
  let admin: Awaited<ReturnType<typeof callerAs>>['caller'];
  let op: Awaited<ReturnType<typeof callerAs>>['caller'];
  const secrets: Record<string, string> = {};
  const ids: Record<string, string> = {};

  it('admins register webhooks per event kind; bad input says what to fix; others are refused', async () => {
    admin = (await callerAs('admin')).caller;
    op = (await callerAs('operator')).caller;
    expect(
      await code(
        admin.notify.createWebhook({ name: 'x', url: 'ftp://example.com/h', format: 'generic', kinds: ['kill'] }),
      ),
    ).toMatch(/^BAD_REQUEST: .*http:\/\/ or https:\/\//s);
    expect(
      await code(admin.notify.createWebhook({ name: 'x', url: `${base}/x`, format: 'generic', kinds: [] })),
    ).toMatch(/Choose at least one event kind/);
    expect(
      await code(op.notify.createWebhook({ name: 'x', url: `${base}/x`, format: 'generic', kinds: ['kill'] })),
    ).toMatch(/^FORBIDDEN/);
    expect(await code(op.notify.webhooks())).toMatch(/^FORBIDDEN/);
    for (const [name, path, format, kinds] of [
      ['generic', '/generic', 'generic', ['kill', 'held']],
      ['slack', '/slack-T0SECRETPATH', 'slack', ['kill']],
      ['flaky', '/flaky', 'generic', ['kill']],
      ['slow', '/hold', 'generic', ['kill']],
      ['held-only', '/held-only', 'generic', ['held']],
      ['dead', 'DEAD', 'generic', ['kill']],
    ] as const) {
      const r = await admin.notify.createWebhook({
        name,
        url: path === 'DEAD' ? deadUrl : `${base}${path}`,
        format,
        kinds: [...kinds],
      });
      secrets[name] = r.signingSecret;
      ids[name] = r.webhook.id;
    }
    const list = await admin.notify.webhooks();
    expect(list.map((w) => w.name)).toEqual(['dead', 'flaky', 'generic', 'held-only', 'slack', 'slow']);
    // The URL (a credential for Slack) never comes back whole.
    expect(JSON.stringify(list)).not.toContain('T0SECRETPATH');
    expect(list.find((w) => w.name === 'slack')!.urlMasked).toBe(`http://127.0.0.1:${new URL(base).port}/…PATH`);
  });

  it('a kill is applied at once while a receiver still holds its delivery open', async () => {
    const res = await op.rollouts.kill({ deviceClass: 'tablet', reason: 'incident 9' });
    expect(res.changed).toBe(true);
    // The slow receiver cannot answer before release(): the kill returned without waiting for it.
    expect((await admin.notify.deliveries({ webhookId: ids.slow! })).filter((d) => d.status === 'delivered')).toEqual(
      [],
    );
    release();
    await notifyIdle();
  });

  it('deliveries are signed (HMAC-SHA256 over timestamp.body), in each format, only for chosen kinds', () => {
    const g = received.find((r) => r.path === '/generic')!;
    const body = JSON.parse(g.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      kind: 'kill',
      deviceClass: 'tablet',
      text: 'tablet killed: incident 9',
      planId: null,
    });
    expect(g.headers['x-swarmdeck-event']).toBe('kill');
    const ts = String(g.headers['x-swarmdeck-timestamp']);
    const expected = `sha256=${crypto.createHmac('sha256', secrets.generic!).update(`${ts}.${g.body}`).digest('hex')}`;
    expect(g.headers['x-swarmdeck-signature']).toBe(expected);
    // Another webhook's secret does not verify it.
    expect(crypto.createHmac('sha256', secrets.slack!).update(`${ts}.${g.body}`).digest('hex')).not.toBe(
      expected.slice(7),
    );
    const s = received.find((r) => r.path === '/slack-T0SECRETPATH')!;
    expect(JSON.parse(s.body)).toEqual({ text: '*Swarmdeck rollout — kill*\ntablet killed: incident 9' });
    expect(received.filter((r) => r.path === '/held-only')).toEqual([]);
  });

  it('retries with backoff; the status of every delivery is visible', async () => {
    expect(received.filter((r) => r.path === '/flaky')).toHaveLength(2);
    const deliveries = await admin.notify.deliveries({});
    const by = (name: string) => deliveries.find((d) => d.webhook_id === ids[name]);
    expect(by('flaky')).toMatchObject({ status: 'delivered', attempt: 2, http_status: 200 });
    expect(by('generic')).toMatchObject({ status: 'delivered', attempt: 1 });
    expect(by('slow')).toMatchObject({ status: 'delivered', http_status: 204 });
    expect(by('dead')).toMatchObject({ status: 'failed', attempt: 3, http_status: 0, error: 'ECONNREFUSED' });
    expect(by('held-only')).toBeUndefined();
    const notes = await op.notify.notifications({});
    expect(notes.map((n) => [n.kind, n.device_class, n.text])).toEqual([
      ['kill', 'tablet', 'tablet killed: incident 9'],
    ]);
  });

  it('an admin can send a test delivery and see how it went', async () => {
    expect(await admin.notify.testWebhook({ id: ids.generic! })).toEqual({ ok: true, httpStatus: 200, error: '' });
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ kind: 'test' });
    expect(await admin.notify.testWebhook({ id: ids.dead! })).toEqual({
      ok: false,
      httpStatus: 0,
      error: 'ECONNREFUSED',
    });
    expect(await code(op.notify.testWebhook({ id: ids.generic! }))).toMatch(/^FORBIDDEN/);
  });

  it('editing and deleting', async () => {
    const w = await admin.notify.updateWebhook({
      id: ids['held-only']!,
      name: 'held-only',
      format: 'generic',
      kinds: ['held', 'srm'],
      enabled: false,
    });
    expect(w).toMatchObject({ kinds: ['held', 'srm'], enabled: false });
    await admin.notify.deleteWebhook({ id: ids.dead! });
    expect((await admin.notify.webhooks()).map((x) => x.name)).not.toContain('dead');
    expect(await code(admin.notify.testWebhook({ id: ids.dead! }))).toMatch(/^NOT_FOUND/);
  });
});
