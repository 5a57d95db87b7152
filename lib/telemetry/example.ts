/** A valid report (per contract v1) to build fixtures from; `over` replaces whole top-level fields. */
export function exampleReport(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reportId: 'r-0000000001',
    sessionId: 's1',
    deviceId: 'd1',
    peerId: 'p1',
    ts: Date.now() - 1000,
    intervalMs: 30_000,
    deviceClass: 'smart_tv',
    clientVersion: '7.12.0',
    contentId: 'title-1',
    swarmId: 'title-1/1080p',
    p2pMode: 'full',
    cohort: 'p2p',
    configVersion: 3,
    bytes: { cdn: 1000, p2pDown: 500, p2pUp: 200 },
    flows: [
      { peerAsn: 3320, down: 300, up: 100 },
      { peerAsn: 0, down: 200, up: 100 },
    ],
    peers: { connected: 4, swarmSize: 100, attempts: 10, failures: 2 },
    qoe: { playMs: 29_000, rebufferMs: 1000, rebufferCount: 1, bitrateKbps: 4500 },
    ...over,
  };
}
