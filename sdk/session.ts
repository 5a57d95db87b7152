import {
  MAX_FLOWS,
  MAX_INTERVAL_MS,
  randomId,
  type P2pMode,
  type PlaybackConfig,
  type SessionInfo,
  type TelemetryReport,
} from './report';

type PlayState = 'idle' | 'starting' | 'playing' | 'stalled' | 'paused' | 'ended';

const MODE_RANK: Record<P2pMode, number> = { off: 0, download: 1, full: 2 };

/**
 * The counters of one playback session, turned into one delta report per interval
 * (telemetry contract v1). Time comes from `now()`, so a simulator can drive it with its own clock.
 */
export class SessionCounters {
  readonly info: Required<Omit<SessionInfo, 'optOut'>> & { optOut?: boolean };
  private config: PlaybackConfig;
  /** The most permissive mode run during the interval: what the counters were collected under. */
  private intervalMode: P2pMode;
  private intervalStart: number;
  private lastT: number;
  private reports = 0;

  private cdn = 0;
  private p2pDown = 0;
  private p2pUp = 0;
  private flows = new Map<number, { down: number; up: number }>();
  private connected = new Set<string>();
  private attempts = 0;
  private failures = 0;
  private swarmSize = 0;

  private state: PlayState = 'idle';
  private requestedAt = 0;
  private startupMs: number | undefined;
  private startupSent = false;
  private playMs = 0;
  private rebufferMs = 0;
  private rebufferCount = 0;
  private bitrateKbps = 0;
  private bitrateWeighted = 0;
  private fatalError: string | undefined;
  private cacheBytes: number | undefined;

  constructor(
    info: SessionInfo,
    config: PlaybackConfig,
    private readonly now: () => number,
  ) {
    this.info = { ...info, sessionId: info.sessionId ?? randomId(), peerId: info.peerId ?? randomId() };
    this.config = { ...config };
    this.intervalMode = config.p2pMode;
    this.intervalStart = this.lastT = now();
  }

  get p2pMode(): P2pMode {
    return this.config.p2pMode;
  }

  setConfig(config: PlaybackConfig): void {
    this.config = { ...config };
    if (MODE_RANK[config.p2pMode] > MODE_RANK[this.intervalMode]) this.intervalMode = config.p2pMode;
  }

  // --- bytes -----------------------------------------------------------------------------------

  addCdn(bytes: number): void {
    if (bytes > 0) this.cdn += bytes;
  }

  /** Bytes received from a peer; `peerAsn` 0 when the peer's network is unknown. */
  addP2pDown(bytes: number, peerAsn = 0): void {
    if (bytes <= 0 || this.intervalMode === 'off') return;
    this.p2pDown += bytes;
    this.flow(peerAsn).down += bytes;
  }

  /** Bytes uploaded to a peer; ignored unless the client runs `full` (the contract forbids it otherwise). */
  addP2pUp(bytes: number, peerAsn = 0): void {
    if (bytes <= 0 || this.intervalMode !== 'full') return;
    this.p2pUp += bytes;
    this.flow(peerAsn).up += bytes;
  }

  private flow(asn: number) {
    let f = this.flows.get(asn);
    if (!f) this.flows.set(asn, (f = { down: 0, up: 0 }));
    return f;
  }

  // --- peers -----------------------------------------------------------------------------------

  /** A connection attempt and its outcome; a successful one also counts the peer as connected. */
  peerAttempt(peerId: string, ok: boolean): void {
    this.attempts++;
    if (ok) this.connected.add(peerId);
    else this.failures++;
  }

  peerConnected(peerId: string): void {
    if (this.connected.has(peerId)) return;
    this.peerAttempt(peerId, true);
  }

  peerClosed(peerId: string): void {
    this.connected.delete(peerId);
  }

  /** An error on a peer: a failed attempt when it was not connected yet, a closed connection otherwise. */
  peerError(peerId: string): void {
    if (this.connected.has(peerId)) this.connected.delete(peerId);
    else this.peerAttempt(peerId, false);
  }

  /** Attempts counted in bulk (a relay or simulator that does not see single connections). */
  addAttempts(attempts: number, failures: number): void {
    const a = Math.max(0, Math.floor(attempts));
    this.attempts += a;
    this.failures += Math.min(a, Math.max(0, Math.floor(failures)));
  }

  setPeersConnected(n: number): void {
    this.connected = new Set(Array.from({ length: Math.max(0, Math.floor(n)) }, (_, i) => `#${i}`));
  }

  setSwarmSize(n: number): void {
    this.swarmSize = Math.max(0, Math.floor(n));
  }

  setCacheBytes(n: number | undefined): void {
    this.cacheBytes = n === undefined ? undefined : Math.max(0, Math.floor(n));
  }

  // --- playback (QoE) ----------------------------------------------------------------------------

  private advance(): number {
    const t = Math.max(this.now(), this.lastT);
    const dt = t - this.lastT;
    if (this.state === 'playing') {
      this.playMs += dt;
      this.bitrateWeighted += dt * this.bitrateKbps;
    } else if (this.state === 'stalled') {
      this.rebufferMs += dt;
    }
    this.lastT = t;
    return t;
  }

  /** The viewer pressed play (or autoplay began): startup time runs from here to the first frame. */
  playRequested(): void {
    const t = this.advance();
    if (this.state === 'idle') {
      this.state = 'starting';
      this.requestedAt = t;
    } else if (this.state === 'paused') {
      this.state = 'playing';
    }
  }

  playing(): void {
    const t = this.advance();
    if (this.state === 'ended') return;
    if (this.state === 'idle' || this.state === 'starting') {
      if (this.startupMs === undefined) this.startupMs = this.state === 'starting' ? t - this.requestedAt : 0;
    }
    this.state = 'playing';
  }

  /** The player ran out of buffer; a stall counts as rebuffering only once playback had started. */
  waiting(): void {
    this.advance();
    if (this.state === 'playing') {
      this.state = 'stalled';
      this.rebufferCount++;
    }
  }

  paused(): void {
    this.advance();
    if (this.state === 'playing' || this.state === 'stalled') this.state = 'paused';
  }

  ended(): void {
    this.advance();
    this.state = 'ended';
  }

  setBitrate(kbps: number): void {
    this.advance();
    this.bitrateKbps = Math.max(0, kbps);
  }

  fatal(code: string): void {
    this.advance();
    if (this.fatalError === undefined)
      this.fatalError = Array.from(code || 'unknown')
        .slice(0, 64)
        .join('');
    this.state = 'ended';
  }

  get isEnded(): boolean {
    return this.state === 'ended';
  }

  // --- reports ---------------------------------------------------------------------------------

  /**
   * Closes the interval ending now and returns its report, or null when there is nothing to say yet:
   * the first report waits for the first frame (it carries `startupMs`) up to the contract's longest interval.
   */
  collect(opts: { force?: boolean } = {}): TelemetryReport | null {
    const t = this.advance();
    const intervalMs = Math.round(t - this.intervalStart);
    if (intervalMs < 1) return null;
    if (!opts.force && this.reports === 0 && this.state === 'starting' && intervalMs < MAX_INTERVAL_MS - 1_000)
      return null;
    if (intervalMs > MAX_INTERVAL_MS) {
      // A client asleep longer than the longest interval: the time between is not reported.
      this.intervalStart = t - MAX_INTERVAL_MS;
      return this.collect(opts);
    }
    const playMs = Math.min(intervalMs, Math.floor(this.playMs));
    const rebufferMs = Math.min(intervalMs - playMs, Math.floor(this.rebufferMs));
    const mode = this.intervalMode;
    const report: TelemetryReport = {
      reportId: randomId(),
      sessionId: this.info.sessionId,
      deviceId: this.info.deviceId,
      peerId: this.info.peerId,
      ts: Math.round(t),
      intervalMs,
      deviceClass: this.info.deviceClass,
      clientVersion: this.info.clientVersion,
      contentId: this.info.contentId,
      swarmId: this.info.swarmId,
      p2pMode: mode,
      cohort: this.config.cohort,
      configVersion: this.config.configVersion,
      bytes: { cdn: Math.round(this.cdn), p2pDown: Math.round(this.p2pDown), p2pUp: Math.round(this.p2pUp) },
      peers: {
        connected: Math.min(10_000, this.connected.size),
        swarmSize: this.swarmSize,
        attempts: this.attempts,
        failures: Math.min(this.failures, this.attempts),
      },
      qoe: {
        playMs,
        rebufferMs,
        rebufferCount: this.rebufferCount,
        bitrateKbps: this.playMs > 0 ? Math.round(this.bitrateWeighted / this.playMs) : 0,
      },
    };
    if (this.info.optOut !== undefined) report.optOut = this.info.optOut;
    const flows = this.flowList();
    if (flows.length && mode !== 'off') report.flows = flows;
    if (this.startupMs !== undefined && !this.startupSent && this.reports === 0) {
      report.qoe.startupMs = Math.min(600_000, Math.round(this.startupMs));
    }
    if (this.startupMs !== undefined || this.reports > 0) this.startupSent = true;
    if (this.fatalError !== undefined) report.qoe.fatalError = this.fatalError;
    if (this.cacheBytes !== undefined) report.storage = { cacheBytes: this.cacheBytes };

    this.reports++;
    this.intervalStart = t;
    this.intervalMode = this.config.p2pMode;
    this.cdn = this.p2pDown = this.p2pUp = 0;
    this.flows.clear();
    this.attempts = this.failures = 0;
    this.playMs = this.rebufferMs = this.bitrateWeighted = 0;
    this.rebufferCount = 0;
    this.fatalError = undefined;
    return report;
  }

  /** At most 64 flows: the largest 63 by bytes, the rest folded into "unknown peer ISP" (0). */
  private flowList() {
    const list = [...this.flows.entries()]
      .map(([peerAsn, f]) => ({ peerAsn, down: Math.round(f.down), up: Math.round(f.up) }))
      .filter((f) => f.down > 0 || f.up > 0);
    if (list.length <= MAX_FLOWS) return list;
    list.sort((a, b) => b.down + b.up - (a.down + a.up));
    const kept = list.filter((f) => f.peerAsn !== 0).slice(0, MAX_FLOWS - 1);
    const keptSet = new Set(kept);
    const rest = { peerAsn: 0, down: 0, up: 0 };
    for (const f of list) {
      if (keptSet.has(f)) continue;
      rest.down += f.down;
      rest.up += f.up;
    }
    return [...kept, rest];
  }
}
