import { describe, expect, it } from 'vitest';
import { exampleReport } from '@/lib/telemetry/example';
import { TelemetryReport } from '@/lib/telemetry/schema';
import { fastValidate } from './fast-validate';

const qoe = { playMs: 1000, rebufferMs: 0, rebufferCount: 0, bitrateKbps: 1 };
const variants: Record<string, unknown>[] = [
  {},
  { extra: 1, bytes: { cdn: 1, p2pDown: 0, p2pUp: 0, more: 2 }, flows: [] },
  { reportId: 'short' },
  { reportId: 'a'.repeat(65) },
  { reportId: 'x'.repeat(64) },
  { sessionId: '😀'.repeat(64) },
  { sessionId: '😀'.repeat(65) },
  { sessionId: '' },
  { deviceId: 'x\uD800' },
  { peerId: 'x\u0000' },
  { clientVersion: 'v'.repeat(33) },
  { contentId: 'c'.repeat(128) },
  { ts: Date.now() + 6 * 60_000 },
  { ts: Date.now() - 8 * 86_400_000 },
  { ts: 1.5 },
  { ts: String(Date.now()) },
  { intervalMs: 0 },
  { deviceClass: 'fridge' },
  { p2pMode: 'download' },
  { p2pMode: 'download', bytes: { cdn: 1, p2pDown: 500, p2pUp: 0 }, flows: [{ peerAsn: 1, down: 500, up: 0 }] },
  { p2pMode: 'off', bytes: { cdn: 1, p2pDown: 0, p2pUp: 0 }, flows: [] },
  { p2pMode: 'off', bytes: { cdn: 1, p2pDown: 5, p2pUp: 0 } },
  { p2pMode: 'off', bytes: { cdn: 1, p2pDown: 0, p2pUp: 0 }, flows: [{ peerAsn: 1, down: 0, up: 0 }] },
  { configVersion: -1 },
  { configVersion: 2 ** 32 },
  { optOut: 'yes' },
  { optOut: false },
  { optOut: null },
  { bytes: { cdn: 10 * 1024 ** 3 + 1, p2pDown: 500, p2pUp: 200 } },
  { bytes: { cdn: 10 * 1024 ** 3, p2pDown: 500, p2pUp: 200 } },
  { bytes: null },
  { flows: [{ peerAsn: 1, down: 501, up: 0 }] },
  { flows: [{ peerAsn: 1, down: 0, up: 201 }] },
  { flows: [{ peerAsn: -1, down: 0, up: 0 }] },
  { flows: Array.from({ length: 65 }, () => ({ peerAsn: 1, down: 0, up: 0 })) },
  { flows: Array.from({ length: 64 }, () => ({ peerAsn: 1, down: 0, up: 0, x: 1 })) },
  { flows: {} },
  { peers: { connected: 1, swarmSize: 1, attempts: 2, failures: 3 } },
  { peers: { connected: 10_001, swarmSize: 1, attempts: 0, failures: 0 } },
  { qoe: { ...qoe, startupMs: 600_001 } },
  { qoe: { ...qoe, startupMs: 0, fatalError: 'E1' } },
  { qoe: { ...qoe, fatalError: '' } },
  { qoe: { ...qoe, playMs: 29_000, rebufferMs: 1001, rebufferCount: 0, bitrateKbps: 1 } },
  { qoe: { ...qoe, playMs: 29_000, rebufferMs: 1000 } },
  { intervalMs: 1000, qoe: { ...qoe, playMs: 1001 } },
  { storage: {} },
  { storage: { cacheBytes: 16 * 1024 ** 4 } },
  { storage: { cacheBytes: 16 * 1024 ** 4 + 1 } },
  { storage: 5 },
  { asn: 3320 },
  { asn: -5 },
  { asn: 1.5 },
];

describe('fastValidate', () => {
  it('never accepts what the schema rejects, and returns exactly what the schema returns', () => {
    let fastAccepted = 0;
    for (const over of variants) {
      const input = exampleReport(over);
      const zod = TelemetryReport.safeParse(input);
      const fast = fastValidate(input);
      if (!zod.success) expect(fast, JSON.stringify(over)).toBeNull();
      else if (fast) {
        fastAccepted++;
        expect(fast, JSON.stringify(over)).toEqual(zod.data);
      }
    }
    expect(fastAccepted).toBeGreaterThan(10);
  });

  it('rejects non-objects', () => {
    for (const v of [null, 1, 'x', [], [exampleReport()]]) expect(fastValidate(v)).toBeNull();
  });
});
