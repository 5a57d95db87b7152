import { describe, expect, it } from 'vitest';
import { exampleReport } from './example';
import { codePointLength, isWellFormedText, parseReport, TelemetryReport } from './schema';

const validReport = exampleReport;

function pathsOf(v: unknown): string[] {
  const r = parseReport(v);
  return r.ok ? [] : r.issues.map((i) => i.path);
}

describe('TelemetryReport', () => {
  it('accepts a valid report and strips unknown fields', () => {
    const r = TelemetryReport.parse(
      validReport({ extra: 1, bytes: { cdn: 1, p2pDown: 0, p2pUp: 0, more: 2 }, flows: [] }),
    );
    expect(r).not.toHaveProperty('extra');
    expect(r.bytes).toEqual({ cdn: 1, p2pDown: 0, p2pUp: 0 });
  });

  it('checks reportId', () => {
    expect(pathsOf(validReport({ reportId: 'short' }))).toEqual(['reportId']);
    expect(pathsOf(validReport({ reportId: 'a'.repeat(65) }))).toEqual(['reportId']);
    expect(pathsOf(validReport({ reportId: 'has space!' }))).toEqual(['reportId']);
    expect(pathsOf(validReport({ reportId: 'A_-z09' + 'x'.repeat(58) }))).toEqual([]);
  });

  it('measures strings in code points and refuses lone surrogates and U+0000', () => {
    expect(codePointLength('😀'.repeat(64))).toBe(64);
    expect(pathsOf(validReport({ sessionId: '😀'.repeat(64) }))).toEqual([]);
    expect(pathsOf(validReport({ sessionId: '😀'.repeat(65) }))).toEqual(['sessionId']);
    expect(pathsOf(validReport({ sessionId: '' }))).toEqual(['sessionId']);
    expect(isWellFormedText('a\uD800b')).toBe(false);
    expect(isWellFormedText('a\uDC00')).toBe(false);
    expect(pathsOf(validReport({ deviceId: 'x\uD800' }))).toEqual(['deviceId']);
    expect(pathsOf(validReport({ peerId: 'x\u0000' }))).toEqual(['peerId']);
    expect(pathsOf(validReport({ clientVersion: 'v'.repeat(33) }))).toEqual(['clientVersion']);
    expect(pathsOf(validReport({ contentId: 'c'.repeat(128) }))).toEqual([]);
    expect(pathsOf(validReport({ swarmId: 'c'.repeat(129) }))).toEqual(['swarmId']);
    expect(pathsOf(validReport({ cohort: 'c'.repeat(33) }))).toEqual(['cohort']);
  });

  it('bounds ts to now+5min … now−7d', () => {
    expect(pathsOf(validReport({ ts: Date.now() + 6 * 60_000 }))).toEqual(['ts']);
    expect(pathsOf(validReport({ ts: Date.now() + 4 * 60_000 }))).toEqual([]);
    expect(pathsOf(validReport({ ts: Date.now() - 7 * 86_400_000 - 60_000 }))).toEqual(['ts']);
    expect(pathsOf(validReport({ ts: Date.now() - 6 * 86_400_000 }))).toEqual([]);
    expect(pathsOf(validReport({ ts: 1.5 }))).toEqual(['ts']);
    expect(pathsOf(validReport({ ts: String(Date.now()) }))).toEqual(['ts']);
  });

  it('checks integers, enums and ranges', () => {
    expect(pathsOf(validReport({ intervalMs: 0 }))).toEqual(['intervalMs']);
    expect(pathsOf(validReport({ intervalMs: 300_001 }))).toEqual(['intervalMs']);
    expect(pathsOf(validReport({ deviceClass: 'fridge' }))).toEqual(['deviceClass']);
    expect(pathsOf(validReport({ p2pMode: 'on' }))).toEqual(['p2pMode']);
    expect(pathsOf(validReport({ configVersion: -1 }))).toEqual(['configVersion']);
    expect(pathsOf(validReport({ optOut: 'yes' }))).toEqual(['optOut']);
    expect(pathsOf(validReport({ optOut: true }))).toEqual([]);
    expect(pathsOf(validReport({ bytes: { cdn: -1, p2pDown: 500, p2pUp: 200 } }))).toEqual(['bytes.cdn']);
    expect(pathsOf(validReport({ bytes: { cdn: 10 * 1024 ** 3 + 1, p2pDown: 500, p2pUp: 200 } }))).toEqual([
      'bytes.cdn',
    ]);
    expect(pathsOf(validReport({ bytes: { cdn: 10 * 1024 ** 3, p2pDown: 500, p2pUp: 200 } }))).toEqual([]);
    expect(pathsOf(validReport({ peers: { connected: 10_001, swarmSize: 1, attempts: 0, failures: 0 } }))).toEqual([
      'peers.connected',
    ]);
    expect(pathsOf(validReport({ peers: { connected: 1, swarmSize: 100_000_001, attempts: 0, failures: 0 } }))).toEqual(
      ['peers.swarmSize'],
    );
    expect(pathsOf(validReport({ peers: { connected: 1, swarmSize: 1, attempts: 1_000_001, failures: 0 } }))).toEqual([
      'peers.attempts',
    ]);
    const qoe = { playMs: 1000, rebufferMs: 0, rebufferCount: 0, bitrateKbps: 1 };
    expect(pathsOf(validReport({ qoe: { ...qoe, startupMs: 600_001 } }))).toEqual(['qoe.startupMs']);
    expect(pathsOf(validReport({ qoe: { ...qoe, startupMs: 600_000 } }))).toEqual([]);
    expect(pathsOf(validReport({ qoe: { ...qoe, fatalError: '' } }))).toEqual(['qoe.fatalError']);
    expect(pathsOf(validReport({ qoe: { ...qoe, rebufferCount: -1 } }))).toEqual(['qoe.rebufferCount']);
    expect(pathsOf(validReport({ storage: { cacheBytes: 16 * 1024 ** 4 + 1 } }))).toEqual(['storage.cacheBytes']);
    expect(pathsOf(validReport({ storage: { cacheBytes: 16 * 1024 ** 4 } }))).toEqual([]);
    expect(pathsOf(validReport({ asn: -5 }))).toEqual(['asn']);
    expect(pathsOf(validReport({ qoe: undefined }))).toEqual(['qoe']);
  });

  it('names array items by number', () => {
    const flows = [
      { peerAsn: 1, down: 0, up: 0 },
      { peerAsn: 2, down: 0, up: 0 },
      { peerAsn: 3, down: 0, up: 0 },
      { peerAsn: 4, down: -1, up: 0 },
    ];
    expect(pathsOf(validReport({ flows }))).toEqual(['flows.3.down']);
    expect(pathsOf(validReport({ flows: [{ peerAsn: 1, down: 10 * 1024 ** 3 + 1, up: 0 }] }))).toEqual([
      'flows.0.down',
    ]);
    const many = Array.from({ length: 65 }, () => ({ peerAsn: 1, down: 0, up: 0 }));
    expect(pathsOf(validReport({ flows: many }))).toEqual(['flows']);
  });

  it('reports rules between fields at the bounded field', () => {
    expect(pathsOf(validReport({ p2pMode: 'download' }))).toEqual(['bytes.p2pUp']);
    expect(
      pathsOf(
        validReport({
          p2pMode: 'download',
          bytes: { cdn: 1, p2pDown: 500, p2pUp: 0 },
          flows: [{ peerAsn: 1, down: 500, up: 0 }],
        }),
      ),
    ).toEqual([]);
    expect(pathsOf(validReport({ p2pMode: 'off', bytes: { cdn: 1, p2pDown: 0, p2pUp: 0 }, flows: [] }))).toEqual([]);
    expect(pathsOf(validReport({ p2pMode: 'off', bytes: { cdn: 1, p2pDown: 5, p2pUp: 0 }, flows: [] }))).toEqual([
      'bytes.p2pDown',
    ]);
    expect(pathsOf(validReport({ flows: [{ peerAsn: 1, down: 501, up: 0 }] }))).toEqual(['flows']);
    expect(pathsOf(validReport({ flows: [{ peerAsn: 1, down: 0, up: 201 }] }))).toEqual(['flows']);
    expect(pathsOf(validReport({ peers: { connected: 1, swarmSize: 1, attempts: 2, failures: 3 } }))).toEqual([
      'peers.failures',
    ]);
    const qoe = { rebufferCount: 0, bitrateKbps: 1 };
    expect(pathsOf(validReport({ qoe: { ...qoe, playMs: 29_000, rebufferMs: 1001 } }))).toEqual(['qoe.rebufferMs']);
    expect(pathsOf(validReport({ intervalMs: 1000, qoe: { ...qoe, playMs: 1001, rebufferMs: 0 } }))).toEqual([
      'qoe.playMs',
    ]);
  });
});
