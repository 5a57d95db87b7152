import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, evaluate, exposureDelta } from './evaluate';
import {
  DEVICE_CLASSES,
  RolloutRule,
  capabilityViolations,
  defaultCapabilities,
  defaultRule,
  type RolloutRule as Rule,
} from './rule';

const N = 100_000;
const keys = Array.from({ length: N }, (_, i) => `device-${i}-${(i * 2654435761) % 1000003}`);

function rule(over: Partial<Rule> = {}): Rule {
  return RolloutRule.parse({ ...defaultRule('smart_tv'), state: 'enabled', ...over });
}

describe('bucketing', () => {
  it('is uniform within ±1% over 100k keys (ten deciles and the 1% edge)', () => {
    const deciles = new Array<number>(10).fill(0);
    let firstPercent = 0;
    for (const k of keys) {
      const b = bucketOf('salt-a', k);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(BUCKETS);
      deciles[Math.floor(b / 1000)]!++;
      if (b < 100) firstPercent++;
    }
    for (const c of deciles) expect(Math.abs(c / N - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(firstPercent / N - 0.01)).toBeLessThan(0.01);
  });

  it('puts the expected share in treatment for several percentages', () => {
    for (const pct of [0.5, 5, 12.34, 50, 99]) {
      const r = rule({ percentage: pct });
      const p2p = keys.filter((k) => evaluate(r, false, { targetingKey: k }).cohort === 'p2p').length;
      expect(Math.abs(p2p / N - pct / 100)).toBeLessThan(0.01);
    }
  });

  it('is monotone: raising the percentage only adds devices', () => {
    const pcts = [0, 0.01, 1, 5, 10, 25, 50, 75, 99.99, 100];
    let prev = new Set<string>();
    for (const pct of pcts) {
      const r = rule({ percentage: pct });
      const now = new Set(keys.filter((k) => evaluate(r, false, { targetingKey: k }).cohort === 'p2p'));
      for (const k of prev) expect(now.has(k)).toBe(true);
      expect(now.size).toBeGreaterThanOrEqual(prev.size);
      prev = now;
    }
    expect(prev.size).toBe(N);
  });

  it('keeps the holdback disjoint from treatment, at the expected size', () => {
    const r = rule({ percentage: 30, holdbackPercentage: 10 });
    let p2p = 0;
    let control = 0;
    for (const k of keys) {
      const ev = evaluate(r, false, { targetingKey: k });
      if (ev.cohort === 'p2p') p2p++;
      if (ev.cohort === 'control') {
        control++;
        expect(ev.flags['p2p-mode']).toBe('off');
        expect(ev.bucket!).toBeGreaterThanOrEqual(9000);
      }
      expect(ev.reason).toBe('SPLIT');
    }
    expect(Math.abs(p2p / N - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(control / N - 0.1)).toBeLessThan(0.01);
    // A full rollout next to a holdback still never overlaps it.
    expect(() => rule({ percentage: 95, holdbackPercentage: 10 })).toThrow(/must not exceed 100/);
  });

  it('is stable across processes (a fresh Node computes the same buckets)', () => {
    const sample = keys.slice(0, 50);
    const here = sample.map((k) => bucketOf('s1', k));
    const code = `import { bucketOf } from './lib/rollout/evaluate.ts'; console.log(JSON.stringify(${JSON.stringify(sample)}.map((k) => bucketOf('s1', k))));`;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: process.cwd(),
      encoding: 'utf8',
    });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual(here);
    // And a known value pins the function itself across releases.
    expect(bucketOf('smart_tv-v1', 'device-1')).toBe(5712);
  });

  it('moves devices only when the salt changes', () => {
    const a = keys.slice(0, 2000).map((k) => bucketOf('x', k));
    const b = keys.slice(0, 2000).map((k) => bucketOf('y', k));
    const same = a.filter((v, i) => v === b[i]).length;
    expect(same).toBeLessThan(20);
  });
});

describe('evaluation', () => {
  it('fresh install: every class disabled, every device off with DISABLED', () => {
    for (const cls of DEVICE_CLASSES) {
      const r = defaultRule(cls);
      expect(r.state).toBe('disabled');
      for (const k of keys.slice(0, 500)) {
        const ev = evaluate(r, false, { targetingKey: k });
        expect(ev).toMatchObject({
          cohort: 'off',
          reason: 'DISABLED',
          flags: { 'p2p-mode': 'off', 'p2p-upload-cap-kbps': 0, 'p2p-max-peers': 0 },
        });
      }
    }
  });

  it('a kill switch overrides an enabled 100% rule', () => {
    const ev = evaluate(rule({ percentage: 100 }), true, { targetingKey: 'd' });
    expect(ev).toMatchObject({ cohort: 'off', reason: 'DISABLED' });
  });

  it('targeting first: excluded devices are off with TARGETING_MATCH, never control', () => {
    const r = rule({
      percentage: 50,
      holdbackPercentage: 50,
      targeting: { asnAllow: [7922], asnDeny: [], countries: ['US'], minClientVersion: '7.10' },
    });
    expect(evaluate(r, false, { targetingKey: 'a', asn: 3320, country: 'US', clientVersion: '7.12.0' })).toMatchObject({
      cohort: 'off',
      reason: 'TARGETING_MATCH',
    });
    expect(evaluate(r, false, { targetingKey: 'a', asn: 7922, country: 'DE', clientVersion: '7.12.0' })).toMatchObject({
      reason: 'TARGETING_MATCH',
    });
    expect(evaluate(r, false, { targetingKey: 'a', asn: 7922, country: 'US', clientVersion: '7.9.9' })).toMatchObject({
      reason: 'TARGETING_MATCH',
    });
    expect(evaluate(r, false, { targetingKey: 'a', asn: 7922, country: 'US' })).toMatchObject({
      reason: 'TARGETING_MATCH',
    });
    expect(evaluate(r, false, { targetingKey: 'a', asn: 7922, country: 'us', clientVersion: '7.12.0' }).reason).toBe(
      'SPLIT',
    );
    const deny = rule({
      percentage: 100,
      targeting: { asnAllow: [], asnDeny: [3320], countries: [], minClientVersion: '' },
    });
    expect(evaluate(deny, false, { targetingKey: 'a', asn: 3320 }).reason).toBe('TARGETING_MATCH');
    expect(evaluate(deny, false, { targetingKey: 'a' }).cohort).toBe('p2p');
  });

  it('sets the upload cap only for full and the peer limit only in treatment', () => {
    const dl = evaluate(rule({ percentage: 100, mode: 'download', uploadCapKbps: 500, maxPeers: 6 }), false, {
      targetingKey: 'k',
    });
    expect(dl.flags).toEqual({ 'p2p-mode': 'download', 'p2p-upload-cap-kbps': 0, 'p2p-max-peers': 6 });
    const full = evaluate(rule({ percentage: 100, mode: 'full', uploadCapKbps: 500, maxPeers: 6 }), false, {
      targetingKey: 'k',
    });
    expect(full.flags).toEqual({ 'p2p-mode': 'full', 'p2p-upload-cap-kbps': 500, 'p2p-max-peers': 6 });
  });

  it('refuses full on a class that may not upload', () => {
    const r = rule({ mode: 'full' });
    expect(capabilityViolations('mobile', r, defaultCapabilities('mobile'))[0]).toMatch(/mobile may not upload/);
    expect(capabilityViolations('desktop', r, defaultCapabilities('desktop'))).toEqual([]);
  });
});

describe('exposureDelta', () => {
  const base = { rule: rule({ percentage: 10, uploadCapKbps: 100, maxPeers: 5 }), killed: false };
  const with_ = (over: Partial<Rule>, killed = false) => ({ rule: { ...base.rule, ...over }, killed });
  it.each([
    ['enabling', { rule: { ...base.rule, state: 'disabled' as const }, killed: false }, base],
    ['higher percentage', base, with_({ percentage: 11 })],
    ['download → full', base, with_({ mode: 'full' })],
    ['higher upload cap', base, with_({ uploadCapKbps: 200 })],
    ['more peers', base, with_({ maxPeers: 6 })],
    ['lifting a kill', { ...base, killed: true }, base],
    ['reshuffle', base, with_({ salt: 'new' })],
    [
      'dropping an ASN allow list',
      with_({ targeting: { asnAllow: [1], asnDeny: [], countries: [], minClientVersion: '' } }),
      base,
    ],
    [
      'adding an allowed ASN',
      with_({ targeting: { asnAllow: [1], asnDeny: [], countries: [], minClientVersion: '' } }),
      with_({ targeting: { asnAllow: [1, 2], asnDeny: [], countries: [], minClientVersion: '' } }),
    ],
    [
      'removing a denied ASN',
      with_({ targeting: { asnAllow: [], asnDeny: [1], countries: [], minClientVersion: '' } }),
      base,
    ],
    [
      'adding a country',
      with_({ targeting: { asnAllow: [], asnDeny: [], countries: ['US'], minClientVersion: '' } }),
      with_({ targeting: { asnAllow: [], asnDeny: [], countries: ['US', 'DE'], minClientVersion: '' } }),
    ],
    [
      'lower minimum version',
      with_({ targeting: { asnAllow: [], asnDeny: [], countries: [], minClientVersion: '7.12' } }),
      with_({ targeting: { asnAllow: [], asnDeny: [], countries: [], minClientVersion: '7.9' } }),
    ],
  ])('%s raises exposure', (_name, before, after) => {
    expect(exposureDelta(before, after).raises.length).toBeGreaterThan(0);
  });
  it.each([
    ['disabling', base, with_({ state: 'disabled' })],
    ['lower percentage', base, with_({ percentage: 5 })],
    ['full → download', with_({ mode: 'full' }), base],
    ['killing', base, { ...base, killed: true }],
    ['holdback only', base, with_({ holdbackPercentage: 5 })],
    [
      'restricting countries',
      base,
      with_({ targeting: { asnAllow: [], asnDeny: [], countries: ['US'], minClientVersion: '' } }),
    ],
  ])('%s does not raise exposure', (_name, before, after) => {
    expect(exposureDelta(before, after).raises).toEqual([]);
  });
});
