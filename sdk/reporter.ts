import type { PlaybackConfig, SessionInfo, TelemetryReport } from './report';
import { SessionCounters } from './session';
import { Transport, type TransportOptions, type TransportStats } from './transport';

export interface ReporterOptions extends TransportOptions {
  session: SessionInfo;
  /** What the client runs; update it with `setConfig` after each flag evaluation. Default: P2P off. */
  config?: PlaybackConfig;
  /** Length of one report's interval (default 30 s; the contract allows up to 300 s). */
  intervalMs?: number;
  /** How often queued reports are sent (default: every interval). A multiple of the interval batches them. */
  sendEveryMs?: number;
  /** Start the interval timer at once (default true). Without timers, call `tick()` yourself. */
  autoStart?: boolean;
  /** Clock for report timestamps and playback time (default Date.now). */
  now?: () => number;
  /** Share one transport between reporters (e.g. one app playing several streams). */
  transport?: Transport;
}

export interface Reporter {
  readonly sessionId: string;
  readonly peerId: string;
  readonly counters: SessionCounters;
  readonly transport: Transport;
  setConfig(config: PlaybackConfig): void;
  /** Closes the current interval into a queued report (if there is anything to report yet). */
  collect(opts?: { force?: boolean }): TelemetryReport | null;
  /** Sends what is queued (respecting a pending backoff unless forced). */
  flush(opts?: { force?: boolean }): Promise<void>;
  /** collect() and flush(): what the interval timer runs. */
  tick(): Promise<void>;
  start(): void;
  stop(): void;
  /**
   * The page is being hidden or left: closes the interval into a report, keeps everything unsent in
   * the store and sends what fits the keepalive budget with `fetch(…, { keepalive: true })`.
   */
  pageHidden(): void;
  /** Ends the session: a last report, a last send attempt, timers stopped. */
  close(): Promise<void>;
  stats(): TransportStats;
}

export const DEFAULT_CONFIG: PlaybackConfig = { p2pMode: 'off', cohort: 'off', configVersion: 0 };

/**
 * The SDK's entry point: per-session counters that turn into one delta report per interval, and a
 * transport that batches, gzips and retries them (see sdk/README.md).
 */
export function createReporter(opts: ReporterOptions): Reporter {
  const now = opts.now ?? Date.now;
  const counters = new SessionCounters(opts.session, opts.config ?? DEFAULT_CONFIG, now);
  const transport = opts.transport ?? new Transport(opts);
  const intervalMs = Math.min(300_000, Math.max(1_000, opts.intervalMs ?? 30_000));
  const sendEveryMs = Math.max(intervalMs, opts.sendEveryMs ?? intervalMs);
  let timer: ReturnType<typeof setInterval> | null = null;
  let lastSend = now();

  const collect = (o?: { force?: boolean }) => {
    const r = counters.collect(o);
    if (r) transport.enqueue(r);
    return r;
  };

  const reporter: Reporter = {
    sessionId: counters.info.sessionId,
    peerId: counters.info.peerId,
    counters,
    transport,
    setConfig: (c) => counters.setConfig(c),
    collect,
    flush: (o) => transport.flush(o),
    async tick() {
      collect();
      if (now() - lastSend >= sendEveryMs - 5) {
        lastSend = now();
        await transport.flush();
      }
    },
    start() {
      if (timer) return;
      timer = setInterval(() => void reporter.tick(), intervalMs);
      (timer as { unref?: () => void }).unref?.();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    pageHidden() {
      collect({ force: true });
      transport.flushKeepalive();
    },
    async close() {
      reporter.stop();
      collect({ force: true });
      await transport.flush({ force: true });
      if (!opts.transport) transport.close();
    },
    stats: () => transport.stats(),
  };
  if (opts.autoStart !== false) reporter.start();
  return reporter;
}
