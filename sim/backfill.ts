import { SessionCounters } from '../sdk/session';
import type { TelemetryReport } from '../sdk/report';
import { Fleet, type SimDevice } from './fleet';
import type { CountryOfIp } from './isps';
import { historicalSettings } from './model';
import { hash32, Rng } from './random';
import { Tally } from './tally';

export interface BackfillOptions {
  /** How far back to start (ms); the 7-day limit of the contract applies at validation, so keep a margin. */
  spanMs: number;
  concurrency: number;
  /** Virtual report interval (default 5 min, the contract's longest). */
  intervalMs?: number;
  seed?: number;
  /** The console's address → country enrichment (see `ispRanges`). */
  countryOfIp: CountryOfIp;
  /** Stores a batch of reports with each one's client address (validation, enrichment, writer). */
  sink(batch: { report: TelemetryReport; ip: string }[]): Promise<{ rejectedIds: ReadonlySet<string> }>;
  progress?(fraction: number, tally: Tally): void;
  now?: number;
}

/** A session's fixed offset in [0, interval), whole seconds. */
export function phaseOf(sessionId: string, intervalMs: number): number {
  return (hash32(sessionId) % Math.max(1, Math.floor(intervalMs / 1_000))) * 1_000;
}

/**
 * Plays the fleet over a past window as fast as the store takes it, with the rollout history from
 * model.ts (no HTTP, so no OFREP: the console's current rules say nothing about last week).
 */
export async function runBackfill(o: BackfillOptions): Promise<Tally> {
  const tally = new Tally();
  const now = o.now ?? Date.now();
  const interval = o.intervalMs ?? 300_000;
  let batch: { report: TelemetryReport; ip: string }[] = [];
  const flush = async () => {
    if (!batch.length) return;
    const b = batch;
    batch = [];
    const { rejectedIds } = await o.sink(b);
    tally.onDelivered(
      b.map((x) => x.report).filter((r) => !rejectedIds.has(r.reportId)),
      0,
    );
    if (rejectedIds.size) tally.onDropped(rejectedIds.size, 'rejected');
  };
  const seed = o.seed ?? 7;
  // Session ids from the seed too, so the phases below (and the whole backfill) repeat for a seed.
  const sessionIds = new Rng(seed ^ 0x5e55);
  const fleet: Fleet = new Fleet({
    seed,
    countryOfIp: o.countryOfIp,
    concurrency: o.concurrency,
    open(device: SimDevice, info, settings) {
      const counters = new SessionCounters(
        {
          deviceId: device.id,
          deviceClass: device.profile.cls,
          clientVersion: device.version,
          optOut: device.optOut || undefined,
          sessionId: sessionIds.id(24),
          ...info,
        },
        settings,
        () => fleet.clock,
      );
      return {
        counters,
        collect: () => counters.collect(),
        finish: () => {},
      };
    },
    onReport(r, device) {
      // Real players start at any second, so their intervals end at any second; the fleet steps a whole
      // interval at a time. Each session's reports move back by the session's own phase inside the
      // interval (whole seconds), so one-minute buckets see a steady stream, not all-or-nothing.
      r.ts -= phaseOf(r.sessionId, interval);
      tally.onGenerated(r);
      batch.push({ report: r, ip: device.ip });
    },
  });
  const start = Math.floor((now - o.spanMs) / interval) * interval + interval;
  const end = now - interval;
  fleet.clock = start;
  let first = true;
  let inFlight: Promise<void> = Promise.resolve();
  for (let t = start; t + interval <= end; t += interval) {
    const arrivals = fleet.planArrivals(t, t + interval, { warm: first });
    first = false;
    fleet.step(t, t + interval, arrivals, (d) => historicalSettings(d.id, d.profile.cls, t, now));
    if (batch.length >= 25_000) {
      // One batch in the store's hands while the next one is simulated.
      await inFlight;
      inFlight = flush();
    }
    o.progress?.((t - start) / (end - start), tally);
  }
  // Sessions still playing at the end report their last interval; the live fleet takes over from here.
  for (const s of fleet.active) {
    const r = s.reporter.collect();
    if (r) {
      r.ts -= phaseOf(r.sessionId, interval);
      tally.onGenerated(r);
      batch.push({ report: r, ip: s.device.ip });
    }
  }
  await inFlight;
  await flush();
  o.progress?.(1, tally);
  return tally;
}
