import type { TelemetryReport } from '../sdk/report';
import type { SessionCounters } from '../sdk/session';
import type { P2pSettings } from '../sdk/settings';
import { ISPS, ispRanges, randomIp, type CountryOfIp, type Isp } from './isps';
import {
  catalog,
  COLLAPSING_SWARM,
  dailyCurve,
  FATAL_CODES,
  LADDERS,
  pickDevice,
  swarmCollapsed,
  type DeviceProfile,
  type Title,
} from './model';
import { faultFactor, type FleetFault } from './fault';
import { Rng } from './random';

export { COLLAPSING_SWARM };

export interface SimDevice {
  id: string;
  profile: DeviceProfile;
  isp: Isp;
  ip: string;
  version: string;
  optOut: boolean;
  busy: boolean;
}

/** What the fleet needs from a session's reporter: the SDK's counters and a way to close intervals. */
export interface SimReporter {
  counters: SessionCounters;
  collect(): TelemetryReport | null;
  /** The session ended (its last report was collected). */
  finish(): void;
}

export interface Arrival {
  t: number;
  device: SimDevice;
}

interface SimSession {
  device: SimDevice;
  swarmId: string;
  start: number;
  end: number;
  settings: P2pSettings;
  reporter: SimReporter;
  phase: 'starting' | 'playing' | 'stalled' | 'paused';
  firstFrameAt: number;
  stallUntil: number;
  pauseUntil: number;
  fatalAt: number;
  level: number;
  prevConnected: number;
  downloaded: number;
  steps: number;
  /** The session's own draws (playback timeline, failure code): a fault that stretches one session's
   * stalls or start-up never shifts the draws of any other session, so a run with and without it
   * differs only where the fault applies. */
  rng: Rng;
  // per-step scratch
  playMs: number;
  bytes: number;
}

export interface FleetOptions {
  seed?: number;
  /** Concurrent viewers at the evening peak. */
  concurrency: number;
  /** Stop starting sessions after this many (undefined: run forever). */
  sessionsLimit?: number;
  /** The console's address → country enrichment (clients are drawn only from blocks in their ISP's country). */
  countryOfIp: CountryOfIp;
  /** Opens the reporter of a new session (clock: `fleet.clock`). */
  open(device: SimDevice, info: { contentId: string; swarmId: string }, settings: P2pSettings): SimReporter;
  onReport?(report: TelemetryReport, device: SimDevice): void;
  /** Faults on purpose in the p2p cohort (see fault.ts). */
  faults?: readonly FleetFault[];
  /**
   * Every hour plays like the evening peak. For tests: a run's figures must not depend on the hour it
   * starts at (at 4 a.m. the daily curve sends a sixteenth of the peak's viewers).
   */
  peakAllDay?: boolean;
}

const MEAN_SESSION_MIN = 26;

/**
 * The simulated fleet: devices on real ISPs' addresses, titles with Zipf popularity on a daily curve,
 * swarms per title × rendition whose offload grows with size and falls with churn, uploads capped by
 * each client's config, peers preferring same-ISP partners, QoE by mode and device — advanced one
 * report interval at a time on a virtual clock, every figure going through the SDK's counters.
 */
export class Fleet {
  /** The virtual clock the reporters read. */
  clock = 0;
  started = 0;
  readonly active: SimSession[] = [];
  private readonly rng: Rng;
  private readonly titles: Title[];
  private readonly pools = new Map<number, SimDevice[]>();
  private prevSwarmSize = new Map<string, number>();

  constructor(private readonly o: FleetOptions) {
    this.rng = new Rng(o.seed ?? 42);
    this.titles = catalog();
    ispRanges(o.countryOfIp);
  }

  get done(): boolean {
    return this.o.sessionsLimit !== undefined && this.started >= this.o.sessionsLimit && this.active.length === 0;
  }

  private device(isp: Isp): SimDevice {
    let pool = this.pools.get(isp.asn);
    if (!pool) this.pools.set(isp.asn, (pool = []));
    const free = pool.filter((d) => !d.busy);
    if (free.length && this.rng.chance(0.8)) return this.rng.pick(free);
    const profile = pickDevice(this.rng);
    const d: SimDevice = {
      id: `sim-${isp.country.toLowerCase()}-${this.rng.id(14)}`,
      profile,
      isp,
      ip: randomIp(ispRanges(this.o.countryOfIp).get(isp.asn)!, this.rng),
      version: this.rng.pick(profile.versions),
      optOut: this.rng.chance(0.03),
      busy: false,
    };
    pool.push(d);
    return d;
  }

  /** Who starts watching in (t0, t1]: Poisson per ISP on its country's daily curve. */
  planArrivals(t0: number, t1: number, opts: { warm?: boolean } = {}): Arrival[] {
    const out: Arrival[] = [];
    for (const isp of ISPS) {
      const viewers = this.o.concurrency * isp.share * (this.o.peakAllDay ? 1 : dailyCurve(t0, isp.tz));
      // Warm start: the population already watching; otherwise the arrival rate that sustains it.
      const lambda = opts.warm ? viewers : (viewers * (t1 - t0)) / 60_000 / MEAN_SESSION_MIN;
      const n = this.rng.poisson(lambda);
      for (let i = 0; i < n; i++) {
        if (this.o.sessionsLimit !== undefined && this.started + out.length >= this.o.sessionsLimit) return out;
        const device = this.device(isp);
        if (device.busy || out.some((a) => a.device === device)) continue;
        out.push({ t: Math.round(t0 + this.rng.next() * (t1 - t0)), device });
      }
    }
    return out.sort((a, b) => a.t - b.t);
  }

  private begin(a: Arrival, settings: P2pSettings): SimSession {
    const { device } = a;
    const p = device.profile;
    const title = this.rng.weighted(this.titles, (x) => x.weight);
    const swarmId = `${title.id}/${p.rendition}`;
    const effective = device.optOut
      ? { ...settings, p2pMode: 'off' as const, uploadCapKbps: 0, maxPeers: 0 }
      : settings;
    this.clock = a.t;
    const reporter = this.o.open(device, { contentId: title.id, swarmId }, effective);
    const minutes = Math.min(180, Math.max(1, this.rng.logNormal(p.sessionMedianMin, 0.8)));
    const p2p = effective.p2pMode !== 'off';
    const startupFault = p2p ? this.fault(p.cls, 'startup', a.t) : 1;
    const startup = Math.min(
      60_000,
      Math.round(this.rng.logNormal(p.startupMedianMs * (p2p ? 1.06 : 1), 0.45) * startupFault),
    );
    const rng = new Rng(Math.floor(this.rng.next() * 4294967296));
    // Always three draws, so a failure fault changes which sessions fail, not the draws after them.
    const failDraw = this.rng.next();
    const early = this.rng.chance(0.3);
    const failAt = this.rng.next();
    const ladder = LADDERS[p.rendition];
    const s: SimSession = {
      device,
      swarmId,
      start: a.t,
      end: a.t + Math.round(minutes * 60_000),
      settings: effective,
      reporter,
      phase: 'starting',
      firstFrameAt: a.t + startup,
      stallUntil: 0,
      pauseUntil: 0,
      fatalAt: Infinity,
      level: Math.min(ladder.length - 1, 1),
      prevConnected: 0,
      downloaded: 0,
      steps: 0,
      rng,
      playMs: 0,
      bytes: 0,
    };
    if (failDraw < p.fatalPerSession * (p2p ? this.fault(p.cls, 'failure', a.t) : 1)) {
      s.fatalAt = early ? a.t + Math.round(startup / 2) : s.start + Math.round(failAt * (s.end - s.start));
    }
    reporter.counters.setBitrate(ladder[s.level]!);
    reporter.counters.playRequested();
    device.busy = true;
    this.started++;
    return s;
  }

  private fault(cls: SimDevice['profile']['cls'], metric: 'rebuffer' | 'startup' | 'failure', t: number): number {
    return this.o.faults?.length ? faultFactor(this.o.faults, cls, metric, t) : 1;
  }

  /** Applies new settings to a running session (after a flag re-evaluation). */
  updateSettings(device: SimDevice, settings: P2pSettings): void {
    const s = this.active.find((x) => x.device === device);
    if (!s || device.optOut) return;
    s.settings = settings;
    s.reporter.counters.setConfig(settings);
  }

  /** Advances every session through (t0, t1]: arrivals begin, playback runs, bytes are split, intervals close. */
  step(t0: number, t1: number, arrivals: Arrival[], settingsOf: (d: SimDevice) => P2pSettings): void {
    for (const a of arrivals) this.active.push(this.begin(a, settingsOf(a.device)));
    // Playback timelines (QoE events at their own times) and bytes fetched.
    for (const s of this.active) this.play(s, t0, t1);
    // Swarm by swarm: who connects to whom, who serves whom.
    const swarms = new Map<string, SimSession[]>();
    for (const s of this.active) {
      const list = swarms.get(s.swarmId);
      if (list) list.push(s);
      else swarms.set(s.swarmId, [s]);
    }
    for (const [id, members] of swarms) this.exchange(id, members, t0);
    // Close the interval of every session (at its end time when it ended inside the step).
    const still: SimSession[] = [];
    for (const s of this.active) {
      const endAt = Math.min(s.end, s.fatalAt);
      const ends = endAt <= t1;
      this.clock = ends ? Math.max(endAt, t0 + 1) : t1;
      const c = s.reporter.counters;
      if (ends) {
        if (s.fatalAt <= t1) c.fatal(s.rng.pick(FATAL_CODES));
        else c.ended();
      }
      const r = s.reporter.collect();
      if (r) this.o.onReport?.(r, s.device);
      s.steps++;
      if (ends) {
        s.reporter.finish();
        s.device.busy = false;
      } else still.push(s);
    }
    this.active.splice(0, this.active.length, ...still);
  }

  private play(s: SimSession, t0: number, t1: number): void {
    const c = s.reporter.counters;
    const p = s.device.profile;
    const ladder = LADDERS[p.rendition];
    const stop = Math.min(t1, s.end, s.fatalAt);
    let cursor = Math.max(t0, s.start);
    s.playMs = 0;
    s.bytes = 0;
    const playUntil = (until: number) => {
      const ms = Math.max(0, until - cursor);
      s.playMs += ms;
      s.bytes += (ladder[s.level]! * ms) / 8;
      cursor = Math.max(cursor, until);
    };
    if (s.phase === 'starting') {
      if (s.firstFrameAt > stop) return;
      this.clock = s.firstFrameAt;
      c.playing();
      // The start-up buffer: three 4-second segments before the first frame.
      s.bytes += (ladder[s.level]! * 12_000) / 8;
      s.phase = 'playing';
      cursor = s.firstFrameAt;
    }
    if (s.phase === 'stalled') {
      if (s.stallUntil > stop) return;
      this.clock = cursor = s.stallUntil;
      c.playing();
      s.phase = 'playing';
    }
    if (s.phase === 'paused') {
      if (s.pauseUntil > stop) return;
      this.clock = cursor = s.pauseUntil;
      c.playRequested();
      s.phase = 'playing';
    }
    const collapsed = swarmCollapsed(s.swarmId, t0) && s.settings.p2pMode !== 'off';
    const perMs =
      (p.stallsPerMin / 60_000) *
      p.modeFactor[s.settings.p2pMode] *
      (collapsed ? 5 : 1) *
      (s.level === ladder.length - 1 ? 1.3 : 1);
    if (s.level < ladder.length - 1 && s.rng.chance(0.25)) {
      const at = cursor + s.rng.next() * (stop - cursor);
      playUntil(at);
      this.clock = at;
      c.setBitrate(ladder[++s.level]!);
    }
    while (cursor < stop) {
      const next = cursor - Math.log(1 - s.rng.next()) / perMs;
      if (next >= stop) break;
      playUntil(next);
      this.clock = next;
      c.waiting();
      if (s.level > 0) c.setBitrate(ladder[--s.level]!);
      const stretch = s.settings.p2pMode === 'off' ? 1 : this.fault(p.cls, 'rebuffer', next);
      s.stallUntil = next + Math.round(s.rng.logNormal(p.stallMedianMs, 0.6) * stretch);
      s.bytes += (ladder[s.level]! * (s.stallUntil - next)) / 16;
      if (s.stallUntil >= stop) {
        s.phase = 'stalled';
        cursor = stop;
        break;
      }
      this.clock = cursor = s.stallUntil;
      c.playing();
    }
    if (s.phase === 'playing' && cursor < stop && s.rng.chance(0.01)) {
      const at = cursor + s.rng.next() * (stop - cursor);
      playUntil(at);
      this.clock = at;
      c.paused();
      s.phase = 'paused';
      s.pauseUntil = at + s.rng.int(20_000, 180_000);
      cursor = stop;
    }
    if (s.phase === 'playing') playUntil(stop);
    s.bytes = Math.round(s.bytes);
    s.downloaded += s.bytes;
  }

  private exchange(swarmId: string, members: SimSession[], t0: number): void {
    const collapsed = swarmCollapsed(swarmId, t0);
    const p2p = members.filter((s) => s.settings.p2pMode !== 'off');
    const size = p2p.length;
    const prev = this.prevSwarmSize.get(swarmId) ?? size;
    this.prevSwarmSize.set(swarmId, size);
    const joined = p2p.filter((s) => s.steps === 0).length;
    const churn = size ? Math.min(1, (joined + Math.max(0, prev + joined - size)) / size) : 0;
    const blockedCount = p2p.filter((s) => s.device.isp.blocksP2p).length;
    const up = p2p.filter(
      (s) => s.settings.p2pMode === 'full' && !s.device.isp.blocksP2p && !collapsed && s.playMs > 0,
    );
    const capOf = new Map<SimSession, number>();
    const capByAsn = new Map<number, number>();
    for (const u of up) {
      const kbps = Math.min(u.settings.uploadCapKbps, u.device.profile.uplinkKbps);
      const cap = (kbps * u.playMs) / 8;
      if (cap <= 0) continue;
      capOf.set(u, cap);
      capByAsn.set(u.device.isp.asn, (capByAsn.get(u.device.isp.asn) ?? 0) + cap);
    }
    const uploaders = [...capOf.keys()];

    // Peer connections, and how much each member would like to take from peers.
    const want = new Map<SimSession, Map<number, number>>();
    const load = new Map<number, number>();
    for (const s of members) {
      const c = s.reporter.counters;
      if (s.settings.p2pMode === 'off') {
        c.setPeersConnected(0);
        c.setSwarmSize(0);
        c.addCdn(s.bytes);
        continue;
      }
      c.setSwarmSize(collapsed ? 0 : size);
      const others = size - 1;
      const blocked = s.device.isp.blocksP2p;
      const reachable = blocked ? 0 : others - blockedCount;
      let connected = 0;
      if (collapsed || blocked) {
        const tries = Math.min(10, s.settings.maxPeers, Math.max(collapsed ? 1 : 0, others));
        c.addAttempts(tries, tries);
      } else {
        connected = Math.min(s.settings.maxPeers, Math.max(0, reachable));
        const ok = Math.max(0, connected - s.prevConnected) + Math.round(connected * churn * 0.5);
        const failed = this.rng.poisson(ok * 0.18 + (reachable > connected ? 0.2 : 0));
        c.addAttempts(ok + failed, failed);
      }
      s.prevConnected = connected;
      c.setPeersConnected(connected);
      if (s.settings.p2pMode === 'full') c.setCacheBytes(Math.min(s.device.profile.cacheBytes, s.downloaded));
      const upPeers = Math.min(connected, uploaders.length - (capOf.has(s) ? 1 : 0));
      if (upPeers <= 0 || s.bytes <= 0) continue;
      const frac = 0.95 * (1 - Math.exp(-upPeers / 5)) * (1 - Math.min(0.5, churn * 2)) * (s.steps === 0 ? 0.25 : 1);
      const demand = frac * s.bytes;
      const w = new Map<number, number>();
      let total = 0;
      for (const [asn, cap] of capByAsn) {
        const own = asn === s.device.isp.asn ? (capOf.get(s) ?? 0) : 0;
        const x = Math.max(0, cap - own) * (asn === s.device.isp.asn ? 4 : 1);
        if (x > 0) {
          w.set(asn, x);
          total += x;
        }
      }
      if (total <= 0) continue;
      const req = new Map<number, number>();
      for (const [asn, x] of w) {
        const r = (demand * x) / total;
        req.set(asn, r);
        load.set(asn, (load.get(asn) ?? 0) + r);
      }
      want.set(s, req);
    }

    // Serve: an ISP's uploaders give at most their capped capacity; same-ISP requests weigh more.
    const served = new Map<number, Map<number, number>>(); // uploader ASN → downloader ASN → bytes
    for (const s of members) {
      if (s.settings.p2pMode === 'off') continue;
      const c = s.reporter.counters;
      const req = want.get(s);
      let got = 0;
      if (req) {
        for (const [asn, r] of req) {
          const scale = Math.min(1, (capByAsn.get(asn) ?? 0) / (load.get(asn) ?? 1));
          const bytes = Math.floor(r * scale);
          if (bytes <= 0) continue;
          c.addP2pDown(bytes, asn);
          got += bytes;
          let m = served.get(asn);
          if (!m) served.set(asn, (m = new Map()));
          m.set(s.device.isp.asn, (m.get(s.device.isp.asn) ?? 0) + bytes);
        }
      }
      c.addCdn(s.bytes - got);
    }
    for (const u of uploaders) {
      const asn = u.device.isp.asn;
      const m = served.get(asn);
      if (!m) continue;
      const share = capOf.get(u)! / capByAsn.get(asn)!;
      for (const [toAsn, bytes] of m) u.reporter.counters.addP2pUp(Math.floor(bytes * share), toAsn);
    }
  }
}
