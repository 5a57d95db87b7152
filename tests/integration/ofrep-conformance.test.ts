import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bulkRoute from '@/app/ofrep/v1/evaluate/flags/route';
import * as oneRoute from '@/app/ofrep/v1/evaluate/flags/[key]/route';
import { approveRequest, proposeChange, type Actor } from '@/server/rollout/service';
import { refreshSnapshot, resetSnapshot } from '@/server/rollout/snapshot';
import { resetRolloutSettings } from '@/server/rollout/settings';
import { defaultRule, type RolloutRule } from '@/lib/rollout/rule';
import { insert } from '@/server/clickhouse/client';
import { serveRoutes, type RouteModule } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

const KEY = 'ofrep-test-ingest-key-0001';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY });

const alice: Actor = { kind: 'user', id: 'u-alice', email: 'alice@example.com' };
const bob: Actor = { kind: 'user', id: 'u-bob', email: 'bob@example.com' };

let server: { url: string; close(): Promise<void> };
let client: Client;

async function setRule(cls: 'smart_tv' | 'desktop', patch: Partial<RolloutRule>): Promise<void> {
  const snap = await refreshSnapshot();
  const cur = snap.classes[cls];
  const res = await proposeChange({
    actor: alice,
    deviceClass: cls,
    rule: { ...cur.rule, ...patch },
    baseVersion: cur.version,
    reason: 'test change',
  });
  if (res.outcome === 'requested') await approveRequest({ actor: bob, id: res.requestId });
}

function post(path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${KEY}` }) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const tv = (id: string, extra: Record<string, unknown> = {}) => ({
  targetingKey: id,
  deviceClass: 'smart_tv',
  clientVersion: '7.12.0',
  ...extra,
});

beforeAll(async () => {
  resetSnapshot();
  server = await serveRoutes({
    '/ofrep/v1/evaluate/flags': bulkRoute as unknown as RouteModule,
    '/ofrep/v1/evaluate/flags/:key': oneRoute as unknown as RouteModule,
  });
  await OpenFeature.setProviderAndWait(
    new OFREPProvider({ baseUrl: server.url, headers: [['Authorization', `Bearer ${KEY}`]] }),
  );
  client = OpenFeature.getClient();
});

afterAll(async () => {
  await OpenFeature.close();
  await server.close();
});

describe('OFREP with the real OpenFeature server SDK + OFREP provider', () => {
  it('fresh install: every flag off, DISABLED, configVersion 0, cohort off', async () => {
    const mode = await client.getStringDetails('p2p-mode', 'default', tv('dev-1'));
    expect(mode).toMatchObject({ value: 'off', reason: 'DISABLED', flagMetadata: { configVersion: 0, cohort: 'off' } });
    expect(mode.errorCode).toBeUndefined();
    const cap = await client.getNumberDetails('p2p-upload-cap-kbps', -1, tv('dev-1'));
    expect(cap).toMatchObject({ value: 0, reason: 'DISABLED' });
    const peers = await client.getNumberDetails('p2p-max-peers', -1, { targetingKey: 'dev-1', deviceClass: 'mobile' });
    expect(peers).toMatchObject({ value: 0, reason: 'DISABLED' });
  });

  it('serves the treatment with SPLIT once a class is enabled at 100%', async () => {
    await setRule('smart_tv', { state: 'enabled', percentage: 100, mode: 'full', uploadCapKbps: 1500, maxPeers: 12 });
    const mode = await client.getStringDetails('p2p-mode', 'default', tv('dev-2'));
    expect(mode).toMatchObject({
      value: 'full',
      reason: 'SPLIT',
      variant: 'p2p',
      flagMetadata: { configVersion: 1, cohort: 'p2p' },
    });
    expect(await client.getNumberValue('p2p-upload-cap-kbps', -1, tv('dev-2'))).toBe(1500);
    expect(await client.getNumberValue('p2p-max-peers', -1, tv('dev-2'))).toBe(12);
    // Another class is untouched, its version still 0.
    expect(
      await client.getStringDetails('p2p-mode', 'default', { targetingKey: 'dev-2', deviceClass: 'desktop' }),
    ).toMatchObject({
      value: 'off',
      reason: 'DISABLED',
      flagMetadata: { configVersion: 0 },
    });
  });

  it('answers TARGETING_MATCH outside the targeting, using context asn/country when the address says nothing', async () => {
    await setRule('smart_tv', {
      targeting: { asnAllow: [7922], asnDeny: [], countries: ['US'], minClientVersion: '7.10.0' },
    });
    const out = await client.getStringDetails('p2p-mode', 'default', tv('dev-3', { asn: 3320, country: 'US' }));
    expect(out).toMatchObject({
      value: 'off',
      reason: 'TARGETING_MATCH',
      flagMetadata: { cohort: 'off', configVersion: 2 },
    });
    const old = await client.getStringDetails(
      'p2p-mode',
      'default',
      tv('dev-3', { asn: 7922, country: 'US', clientVersion: '7.9.1' }),
    );
    expect(old).toMatchObject({ value: 'off', reason: 'TARGETING_MATCH' });
    const inside = await client.getStringDetails('p2p-mode', 'default', tv('dev-3', { asn: 7922, country: 'US' }));
    expect(inside).toMatchObject({ value: 'full', reason: 'SPLIT' });
  });

  it('splits treatment / holdback / rest in the configured shares', async () => {
    await setRule('smart_tv', { percentage: 25, holdbackPercentage: 20, targeting: defaultRule('smart_tv').targeting });
    const counts: Record<string, number> = { p2p: 0, control: 0, off: 0 };
    const N = 1200;
    for (let i = 0; i < N; i++) {
      const d = await client.getStringDetails('p2p-mode', 'default', tv(`split-${i}`));
      expect(d.reason).toBe('SPLIT');
      const cohort = d.flagMetadata.cohort as string;
      counts[cohort]!++;
      expect(d.value).toBe(cohort === 'p2p' ? 'full' : 'off');
    }
    expect(Math.abs(counts.p2p! / N - 0.25)).toBeLessThan(0.05);
    expect(Math.abs(counts.control! / N - 0.2)).toBeLessThan(0.05);
    expect(Math.abs(counts.off! / N - 0.55)).toBeLessThan(0.05);
  });

  it('reports FLAG_NOT_FOUND and TARGETING_KEY_MISSING through the provider', async () => {
    const nf = await client.getStringDetails('no-such-flag', 'dflt', tv('dev-4'));
    expect(nf).toMatchObject({ value: 'dflt', reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    const nokey = await client.getStringDetails('p2p-mode', 'dflt', { deviceClass: 'smart_tv' });
    expect(nokey).toMatchObject({ value: 'dflt', reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING' });
    const noclass = await client.getStringDetails('p2p-mode', 'dflt', { targetingKey: 'x' });
    expect(noclass).toMatchObject({ value: 'dflt', reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
  });

  it('a provider without a valid key gets the default (401)', async () => {
    OpenFeature.setProvider(
      'nokey',
      new OFREPProvider({ baseUrl: server.url, headers: [['X-API-Key', 'wrong-key-123']] }),
    );
    const c = OpenFeature.getClient('nokey');
    const d = await c.getStringDetails('p2p-mode', 'dflt', tv('dev-5'));
    expect(d).toMatchObject({ value: 'dflt', reason: 'ERROR' });
  });
});

describe('OFREP over raw HTTP: status codes and bodies', () => {
  it('401 with no body for a missing or unknown key; X-API-Key accepted', async () => {
    for (const headers of [{}, { authorization: 'Bearer nope-nope-nope' }, { 'x-api-key': 'nope-nope-nope' }] as Record<
      string,
      string
    >[]) {
      const r = await post('/ofrep/v1/evaluate/flags/p2p-mode', { context: tv('a') }, headers);
      expect(r.status).toBe(401);
      expect(await r.text()).toBe('');
      const b = await post('/ofrep/v1/evaluate/flags', { context: tv('a') }, headers);
      expect(b.status).toBe(401);
      expect(await b.text()).toBe('');
    }
    const ok = await post('/ofrep/v1/evaluate/flags/p2p-mode', { context: tv('a') }, { 'x-api-key': KEY });
    expect(ok.status).toBe(200);
  });

  it('429 with Retry-After and no body once a key exceeds its rate', async () => {
    process.env.SWARMDECK_OFREP_RATE_PER_KEY = '2';
    resetRolloutSettings();
    try {
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 10 && !limited; i++) {
        const r = await post('/ofrep/v1/evaluate/flags/p2p-mode', { context: tv(`rl-${i}`) });
        statuses.push(r.status);
        if (r.status === 429) limited = r;
        else await r.arrayBuffer();
      }
      expect(limited, `statuses ${statuses.join(',')}`).toBeDefined();
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await limited!.text()).toBe('');
    } finally {
      delete process.env.SWARMDECK_OFREP_RATE_PER_KEY;
      resetRolloutSettings();
    }
  });

  it('lets a player on another origin call it (CORS preflight, ETag exposed)', async () => {
    const pre = await fetch(`${server.url}/ofrep/v1/evaluate/flags`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://player.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, if-none-match',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/Authorization.*If-None-Match/);
    const r = await post(
      '/ofrep/v1/evaluate/flags',
      { context: tv('cors') },
      { authorization: `Bearer ${KEY}`, origin: 'https://player.example' },
    );
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-expose-headers')).toMatch(/ETag/);
    const denied = await post(
      '/ofrep/v1/evaluate/flags/p2p-mode',
      { context: tv('cors') },
      { origin: 'https://player.example' },
    );
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('200 is application/json with key, value, reason, variant, metadata and no errorCode', async () => {
    const r = await post('/ofrep/v1/evaluate/flags/p2p-max-peers', { context: tv('b') });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await r.json();
    expect(Object.keys(body).sort()).toEqual(['key', 'metadata', 'reason', 'value', 'variant']);
    expect(body.key).toBe('p2p-max-peers');
    expect(body.metadata).toEqual({ configVersion: 3, cohort: body.variant });
  });

  it('400 bodies: PARSE_ERROR, TARGETING_KEY_MISSING, INVALID_CONTEXT; 404 FLAG_NOT_FOUND', async () => {
    const parse = await post('/ofrep/v1/evaluate/flags/p2p-mode', '{not json');
    expect(parse.status).toBe(400);
    expect(await parse.json()).toMatchObject({
      key: 'p2p-mode',
      errorCode: 'PARSE_ERROR',
      errorDetails: expect.any(String),
    });
    const tk = await post('/ofrep/v1/evaluate/flags/p2p-mode', { context: { deviceClass: 'smart_tv' } });
    expect(tk.status).toBe(400);
    expect(await tk.json()).toMatchObject({ key: 'p2p-mode', errorCode: 'TARGETING_KEY_MISSING' });
    const cls = await post('/ofrep/v1/evaluate/flags/p2p-mode', {
      context: { targetingKey: 'x', deviceClass: 'toaster' },
    });
    expect(cls.status).toBe(400);
    expect(await cls.json()).toMatchObject({ key: 'p2p-mode', errorCode: 'INVALID_CONTEXT' });
    const nf = await post('/ofrep/v1/evaluate/flags/nope', { context: tv('x') });
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ key: 'nope', errorCode: 'FLAG_NOT_FOUND' });
    const bulk = await post('/ofrep/v1/evaluate/flags', { context: { targetingKey: 'x' } });
    expect(bulk.status).toBe(400);
    expect(await bulk.json()).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
  });

  it('bulk: every flag, an ETag, 304 on If-None-Match, a new ETag only when this device’s answers change', async () => {
    const ctx = { context: tv('etag-device') };
    const first = await post('/ofrep/v1/evaluate/flags', ctx);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const body = await first.json();
    expect(body.flags.map((f: { key: string }) => f.key).sort()).toEqual([
      'p2p-max-peers',
      'p2p-mode',
      'p2p-upload-cap-kbps',
    ]);
    for (const f of body.flags) expect(f.errorCode).toBeUndefined();

    const again = await post('/ofrep/v1/evaluate/flags', ctx, {
      authorization: `Bearer ${KEY}`,
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    // A change to another class leaves this device's answers and ETag alone.
    await setRule('desktop', { state: 'enabled', percentage: 50 });
    const other = await post('/ofrep/v1/evaluate/flags', ctx, {
      authorization: `Bearer ${KEY}`,
      'if-none-match': etag,
    });
    expect(other.status).toBe(304);

    await setRule('smart_tv', { maxPeers: 3 });
    const changed = await post('/ofrep/v1/evaluate/flags', ctx, {
      authorization: `Bearer ${KEY}`,
      'if-none-match': etag,
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await changed.json()).metadata.configVersion).toBe(4);
  });
});

describe('propagation', () => {
  it('a change written by another process reaches this process within 5 s (poll, no per-request query)', async () => {
    const snap = await refreshSnapshot();
    const d = snap.classes.desktop;
    const ctx = { context: { targetingKey: 'elsewhere-1', deviceClass: 'desktop' } };
    const before = await (await post('/ofrep/v1/evaluate/flags/p2p-mode', ctx)).json();
    expect(before.metadata.configVersion).toBe(d.version);
    // Another console process appends the next event straight into the shared table.
    await insert('rollout_events', [
      {
        seq: snap.seq + 1,
        ts: Date.now(),
        device_class: 'desktop',
        class_version: d.version + 1,
        kind: 'kill',
        rule: JSON.stringify(d.rule),
        killed: 1,
        capabilities: JSON.stringify(d.capabilities),
        request_id: '',
        actor_kind: 'user',
        actor_id: 'other-process',
        actor_email: 'other@example.com',
        reason: 'killed elsewhere',
      },
    ]);
    await expect
      .poll(async () => (await (await post('/ofrep/v1/evaluate/flags/p2p-mode', ctx)).json()).metadata.configVersion, {
        timeout: 5000,
        interval: 100,
      })
      .toBe(d.version + 1);
    expect(await (await post('/ofrep/v1/evaluate/flags/p2p-mode', ctx)).json()).toMatchObject({
      value: 'off',
      reason: 'DISABLED',
    });
  });
});
