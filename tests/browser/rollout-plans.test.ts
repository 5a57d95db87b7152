import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketOf } from '@/lib/rollout/evaluate';
import { startApp, type RunningApp } from '../helpers/app';
import { launchBrowser, watchPage } from '../helpers/browser';
import { ADMIN_ENV, addUser, cookieFor, signInPage, type TestUser } from '../helpers/auth';

const KEY = 'rollout-plans-browser-key-0001';
let app: RunningApp;
let browser: Browser;
let operator: TestUser;
let approver: TestUser;

beforeAll(async () => {
  // The periodic evaluator is off: the test decides when a look happens.
  app = await startApp({
    env: {
      ...ADMIN_ENV,
      SWARMDECK_INGEST_KEY: KEY,
      SWARMDECK_GUARDRAIL_INTERVAL_SECONDS: '0',
      SWARMDECK_INGEST_IP_RATE: '0',
    },
  });
  browser = await launchBrowser();
  operator = await addUser(app, 'operator');
  approver = await addUser(app, 'approver');
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function pageAs(u: TestUser): Promise<{ page: Page; errors: string[] }> {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = watchPage(page);
  await signInPage(page, app.url, u.email, u.password);
  await page.goto(`${app.url}/rollouts`, { waitUntil: 'networkidle' });
  return { page, errors };
}

async function trpc<T>(cookie: string, proc: string, input: unknown, method: 'GET' | 'POST'): Promise<T> {
  const headers = { cookie, 'content-type': 'application/json', 'x-swarmdeck-csrf': '1' };
  const res =
    method === 'GET'
      ? await fetch(`${app.url}/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
          headers,
        })
      : await fetch(`${app.url}/api/trpc/${proc}`, { method, headers, body: JSON.stringify({ json: input }) });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!body.result) throw new Error(`${proc}: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}

function devices(cohort: 'p2p' | 'control', n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const b = bucketOf('smart_tv-v1', `tv-${i}`);
    if (cohort === 'p2p' ? b < 2000 : b >= 8000) out.push(`tv-${i}`);
  }
  return out;
}

describe('guarded rollout plan on the Rollouts page', () => {
  it('an operator plans, an approver approves, and the evidence of a look is on the page', async () => {
    const op = await pageAs(operator);
    await op.page.getByRole('button', { name: 'New plan' }).click();
    const dialog = op.page.getByRole('dialog');
    await dialog.getByLabel('Stages (% of the class, rising)').fill('20, 40');
    await dialog.getByLabel('Holdback (%)').fill('0');
    await dialog.getByLabel('Minimum minutes per stage').fill('1');
    await dialog.getByLabel('Minimum devices per cohort per stage').fill('50');
    await dialog.getByLabel('Reason').fill('ramp TVs');
    await dialog.getByRole('button', { name: 'Request approval' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toMatch(/holdbackPercentage: A holdback above 0 %/);
    // That refusal is the one expected failed request (its 400 and the browser's console line about it).
    const refused = op.errors.splice(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => /400/.test(e))).toBe(true);
    await dialog.getByLabel('Holdback (%)').fill('20');
    await dialog.getByRole('button', { name: 'Request approval' }).click();
    await expect
      .poll(() => op.page.getByTestId('plan-smart_tv').getByTestId('plan-status').textContent())
      .toBe('pending approval');

    const ap = await pageAs(approver);
    await ap.page.getByTestId('request').getByRole('button', { name: 'Approve' }).click();
    await expect
      .poll(async () => (await ap.page.getByTestId('plan-smart_tv').getByTestId('plan-status').textContent()) ?? '', {
        timeout: 20_000,
      })
      .toBe('running');

    // Playback from 60 treatment and 60 holdback TVs, through the real ingestion API.
    const cookie = await cookieFor(app.url, operator.email, operator.password);
    const list = await trpc<{ classes: { deviceClass: string; version: number }[] }>(
      cookie,
      'rollouts.list',
      { liveMinutes: 15 },
      'GET',
    );
    const version = list.classes.find((c) => c.deviceClass === 'smart_tv')!.version;
    let play = 0;
    let rebuffer = 0;
    const reports = (['p2p', 'control'] as const).flatMap((cohort) =>
      devices(cohort, 60).map((id, i) => {
        const playMs = 40_000 + (i % 10) * 1000;
        const rebufferMs = 100 + (i % 7) * 50;
        if (cohort === 'p2p') {
          play += playMs;
          rebuffer += rebufferMs;
        }
        return {
          reportId: `rep-${cohort}-${i}-${Date.now()}`,
          sessionId: `s-${id}`,
          deviceId: id,
          peerId: `p-${id}`,
          ts: Date.now(),
          intervalMs: 60_000,
          deviceClass: 'smart_tv',
          clientVersion: '7.12.0',
          contentId: 'title-001',
          swarmId: 'title-001/hd',
          p2pMode: cohort === 'p2p' ? 'download' : 'off',
          cohort,
          configVersion: version,
          bytes: { cdn: 1_000_000, p2pDown: cohort === 'p2p' ? 3_000_000 : 0, p2pUp: 0 },
          peers: { connected: 0, swarmSize: 0, attempts: 0, failures: 0 },
          qoe: { playMs, rebufferMs, rebufferCount: 1, startupMs: 900 + (i % 5) * 100, bitrateKbps: 4500 },
        };
      }),
    );
    const res = await fetch(`${app.url}/api/v1/telemetry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reports }),
    });
    expect(await res.json()).toMatchObject({ accepted: 120, rejected: 0 });
    for (let i = 0; i < 2; i++) {
      const looks = await trpc<{ action: string }[]>(cookie, 'rolloutPlans.evaluate', undefined, 'POST');
      expect(looks.map((l) => l.action)).toEqual(['wait']);
    }

    await op.page.reload({ waitUntil: 'networkidle' });
    const plan = op.page.getByTestId('plan-smart_tv');
    await expect
      .poll(() => plan.getByTestId('plan-decision').textContent())
      .toMatch(
        /Staying at stage 1 of 2 \(20 %\): stage 1 has run 0 of 1 min \(60 p2p \/ 60 holdback devices\)\. Every guardrail holds so far\./,
      );
    expect(await plan.getByTestId('stage-timeline').locator('li[data-state=current]').textContent()).toMatch(/^▶ 20 %/);
    expect(await plan.getByTestId('srm-status').textContent()).toContain('ok, p = 1.000');
    expect(await plan.getByTestId('plan-samples').textContent()).toContain('Devices: 60 p2p / 60 holdback');
    const rr = plan.getByTestId('guardrail-rebuffer_ratio');
    const expected = ((rebuffer / (play + rebuffer)) * 100).toFixed(2);
    expect(await rr.textContent()).toContain(`p2p ${expected} %`);
    expect(await rr.textContent()).toContain('holds');
    expect(await rr.textContent()).toContain('tolerated +0.20 pp');
    // The chart: difference, band and threshold lines over the two looks.
    await expect.poll(() => rr.locator('svg .recharts-line').count()).toBe(4);
    expect(op.errors).toEqual([]);
    expect(ap.errors).toEqual([]);
  });
});
