import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bulkRoute from '@/app/ofrep/v1/evaluate/flags/route';
import { approveRequest, proposeChange, type Actor } from '@/server/rollout/service';
import { refreshSnapshot, resetSnapshot } from '@/server/rollout/snapshot';
import { serveRoutes } from '../helpers/http';
import { withFreshStore } from '../helpers/store';

const KEY = 'ofrep-web-test-ingest-key-0001';
withFreshStore({ SWARMDECK_INGEST_KEY: KEY });

const alice: Actor = { kind: 'user', id: 'u-alice', email: 'alice@example.com' };
const bob: Actor = { kind: 'user', id: 'u-bob', email: 'bob@example.com' };
let server: { url: string; close(): Promise<void> };
const seen: { status: number; etag: string | null; ifNoneMatch: string | null }[] = [];

beforeAll(async () => {
  // The web provider watches page visibility; Node has no document, so give it a visible one.
  (globalThis as { document?: unknown }).document ??= Object.assign(new EventTarget(), { visibilityState: 'visible' });
  resetSnapshot();
  const wrapped = {
    POST: async (req: Request) => {
      const res = await bulkRoute.POST(req);
      seen.push({ status: res.status, etag: res.headers.get('etag'), ifNoneMatch: req.headers.get('if-none-match') });
      return res;
    },
  };
  server = await serveRoutes({ '/ofrep/v1/evaluate/flags': wrapped });
});
afterAll(async () => {
  await OpenFeature.clearProviders();
  await server.close();
});

describe('OFREP with the real OpenFeature web SDK + OFREP web provider (bulk, ETag, polling)', () => {
  it('starts disabled, keeps its cache on 304, and picks up an approved change on the next poll', async () => {
    const provider = new OFREPWebProvider({
      baseUrl: server.url,
      headers: [['Authorization', `Bearer ${KEY}`]],
      pollInterval: 200,
      cacheMode: 'disabled',
    });
    await OpenFeature.setProviderAndWait('web', provider, {
      targetingKey: 'web-device-1',
      deviceClass: 'smart_tv',
      clientVersion: '7.12.0',
    });
    const client = OpenFeature.getClient('web');
    expect(client.getStringDetails('p2p-mode', 'dflt')).toMatchObject({
      value: 'off',
      reason: 'DISABLED',
      flagMetadata: { configVersion: 0, cohort: 'off' },
    });
    expect(client.getNumberValue('p2p-max-peers', -1)).toBe(0);

    // Polls with If-None-Match get 304 while nothing changes.
    await expect.poll(() => seen.filter((s) => s.status === 304).length, { timeout: 5000 }).toBeGreaterThan(1);
    expect(seen.find((s) => s.status === 304)!.ifNoneMatch).toBe(seen[0]!.etag);
    expect(client.getStringValue('p2p-mode', 'dflt')).toBe('off');

    const changed = new Promise<void>((r) => client.addHandler(ProviderEvents.ConfigurationChanged, () => r()));
    const snap = await refreshSnapshot();
    const tv = snap.classes.smart_tv;
    const res = await proposeChange({
      actor: alice,
      deviceClass: 'smart_tv',
      rule: { ...tv.rule, state: 'enabled', percentage: 100, maxPeers: 7 },
      baseVersion: tv.version,
      reason: 'web test',
    });
    if (res.outcome === 'requested') await approveRequest({ actor: bob, id: res.requestId });
    await changed;
    expect(client.getStringDetails('p2p-mode', 'dflt')).toMatchObject({
      value: 'download',
      reason: 'SPLIT',
      flagMetadata: { configVersion: 1, cohort: 'p2p' },
    });
    expect(client.getNumberValue('p2p-max-peers', -1)).toBe(7);
    expect(client.getNumberValue('p2p-upload-cap-kbps', -1)).toBe(0);
  });
});
