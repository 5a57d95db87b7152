import { createReporter, gzipNode, type Reporter } from '../sdk/node';
import { Fleet, type SimDevice } from './fleet';
import type { CountryOfIp } from './isps';
import type { FleetFault } from './fault';
import { FleetFlags } from './flags';
import { Tally } from './tally';

export interface LiveOptions {
  /** The console's base URL (telemetry at /api/v1/telemetry, OFREP at /ofrep/v1/…). */
  url: string;
  key: string;
  /** Concurrent viewers at the evening peak. */
  concurrency: number;
  /** Stop after this many sessions have started and finished (undefined: run until stopped). */
  sessions?: number;
  /** Virtual time runs this many times faster than real time, never ahead of the real clock. */
  speed: number;
  /** Start the virtual clock this long ago (ms). */
  sinceMs: number;
  /** Virtual length of one report interval. */
  intervalMs: number;
  /** Re-evaluate a playing device's flags this often (real ms). */
  refreshMs: number;
  /** Batch a client's reports: send at most this often (real ms). */
  sendEveryMs: number;
  maxInFlight: number;
  seed: number;
  /** The console's address → country enrichment (see `ispRanges`). */
  countryOfIp: CountryOfIp;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Faults on purpose in the p2p cohort (see fault.ts). */
  faults?: readonly FleetFault[];
  /** Every hour plays like the evening peak (tests, whose outcome must not depend on the hour they run at). */
  peakAllDay?: boolean;
}

/** A fetch that holds at most `n` requests in flight (the simulator is one process playing thousands of clients). */
function limitedFetch(n: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  const f = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      const res = await fetch(input, init);
      // Read the body inside the slot so the connection is free for the next request.
      const body = await res.arrayBuffer();
      return new Response([204, 205, 304].includes(res.status) ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
  return Object.assign(f, { backlog: () => waiting.length + active });
}

/** A sleep cut short by the signal; its listener is removed when the sleep ends (no leak per tick). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const onAbort = () => {
      clearTimeout(t);
      r();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      r();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Runs the fleet against a console over HTTP: every player reports through the SDK to the real
 * ingestion endpoint, its address in X-Forwarded-For, and evaluates its flags over OFREP.
 */
export async function runLive(o: LiveOptions): Promise<Tally> {
  const tally = new Tally();
  const http = limitedFetch(o.maxInFlight);
  const flags = new FleetFlags(o.url, o.key, tally, o.log, http as typeof fetch);
  const endpoint = new URL('/api/v1/telemetry', o.url).toString();
  const reporters = new Map<SimDevice, Reporter>();
  const draining = new Set<Reporter>();
  const lastSend = new WeakMap<Reporter, number>();
  let transportErrors = 0;

  const fleet: Fleet = new Fleet({
    seed: o.seed,
    countryOfIp: o.countryOfIp,
    concurrency: o.concurrency,
    sessionsLimit: o.sessions,
    faults: o.faults,
    peakAllDay: o.peakAllDay,
    open(device, info, settings) {
      const asn = device.isp.asn;
      const reporter = createReporter({
        endpoint,
        ingestKey: o.key,
        autoStart: false,
        now: () => fleet.clock,
        intervalMs: o.intervalMs,
        session: {
          deviceId: device.id,
          deviceClass: device.profile.cls,
          clientVersion: device.version,
          optOut: device.optOut || undefined,
          ...info,
        },
        config: settings,
        headers: { 'x-forwarded-for': device.ip },
        compress: gzipNode,
        fetch: http,
        retryBaseMs: 500,
        retryMaxMs: 30_000,
        bufferLimit: 5_000,
        onDelivered: (rs) => tally.onDelivered(rs, asn),
        onDropped: (rs, why) => tally.onDropped(rs.length, why),
        onError: () => void transportErrors++,
      });
      reporters.set(device, reporter);
      return {
        counters: reporter.counters,
        collect: () => reporter.collect(),
        finish: () => {
          reporters.delete(device);
          draining.add(reporter);
        },
      };
    },
    onReport: (r) => tally.onGenerated(r),
  });

  const flushDue = (force = false) => {
    const now = Date.now();
    for (const r of [...reporters.values(), ...draining]) {
      if (!r.transport.stats().queued) {
        if (draining.has(r)) draining.delete(r);
        continue;
      }
      if (!force && now - (lastSend.get(r) ?? 0) < o.sendEveryMs) continue;
      lastSend.set(r, now);
      void r.flush();
    }
  };

  const real0 = Date.now();
  const v0 = real0 - o.sinceMs;
  let t = Math.floor(v0 / o.intervalMs) * o.intervalMs;
  fleet.clock = t;
  let first = true;
  let lastLog = 0;
  let refreshing = false;
  o.log(
    `simulating ${o.sessions ?? 'unlimited'} sessions, peak ${o.concurrency} concurrent, ${o.speed}× from ${new Date(t).toISOString()} → ${endpoint}`,
  );

  while (!o.signal?.aborted && !fleet.done) {
    const now = Date.now();
    const target = Math.min(now, v0 + (now - real0) * o.speed);
    if (o.sessions !== undefined && fleet.started >= o.sessions && t + o.intervalMs > now) {
      // A finite run that met the real clock: the sessions still playing stop here rather than in real time.
      o.log(`caught up with the real clock: ending the ${fleet.active.length} session(s) still playing`);
      break;
    }
    if (t + o.intervalMs > target || http.backlog() > o.maxInFlight * 4) {
      flushDue();
      await sleep(Math.min(250, Math.max(20, ((t + o.intervalMs - target) / o.speed) | 0)), o.signal);
      continue;
    }
    const arrivals = fleet.planArrivals(t, t + o.intervalMs, { warm: first && o.sessions === undefined });
    first = false;
    await Promise.all(arrivals.map((a) => flags.evaluate(a.device)));
    fleet.step(t, t + o.intervalMs, arrivals, (d) => flags.cached(d));
    t += o.intervalMs;

    if (!refreshing) {
      const stale = fleet.active.map((s) => s.device).filter((d) => flags.age(d) > o.refreshMs);
      if (stale.length) {
        refreshing = true;
        void Promise.all(stale.map(async (d) => fleet.updateSettings(d, await flags.evaluate(d)))).finally(
          () => (refreshing = false),
        );
      }
    }
    flushDue();
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      o.log(
        `sim ${new Date(t).toISOString().slice(0, 19)}Z: ${fleet.active.length} playing, ${fleet.started} started, ${tally.delivered.reports}/${tally.generated.reports} reports delivered, offload ${(tally.offload() * 100).toFixed(1)} %${transportErrors ? `, ${transportErrors} send errors (retrying)` : ''}`,
      );
    }
  }

  // Finish: close what is still playing, then send everything that is left.
  for (const [, r] of reporters) {
    const last = r.collect({ force: true });
    if (last) tally.onGenerated(last);
    draining.add(r);
  }
  reporters.clear();
  // Stopped by a signal (e.g. Ctrl-C, which also stops a console started beside it): a short last try.
  const deadline = Date.now() + (o.signal?.aborted ? 5_000 : 120_000);
  while (Date.now() < deadline) {
    for (const r of draining) if (!r.transport.stats().queued) draining.delete(r);
    if (!draining.size) break;
    await Promise.all([...draining].map((r) => r.flush()));
    if ([...draining].some((r) => r.transport.stats().queued)) await sleep(200);
  }
  await flags.close().catch(() => {});
  return tally;
}
