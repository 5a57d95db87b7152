import { PlayerAdapter, type HlsLike, type MediaLike, type P2pEngineLike } from './adapter';
import { createWebFlags, type WebFlags } from './flags-web';
import { memoryStore, webStorageStore, type ReportStore } from './persist';
import type { P2pMode, PlaybackConfig, SessionInfo } from './report';
import { createReporter, type Reporter } from './reporter';
import { OFF_SETTINGS, type P2pSettings } from './settings';
import type { FetchLike } from './transport';

/**
 * The parts of p2p-media-loader v2's `HlsJsP2PEngine` this needs (structural: the package imports
 * neither hls.js nor p2p-media-loader at runtime; both are peer dependencies).
 */
export interface P2pEngineControl extends P2pEngineLike {
  applyDynamicConfig(config: { core?: Record<string, unknown> }): void;
  getConfig(): { core: EngineCoreConfig };
}
interface EngineCoreConfig {
  isP2PDisabled?: boolean;
  isP2PUploadDisabled?: boolean;
  simultaneousP2PDownloads?: number;
  mainStream?: { isP2PDisabled?: boolean; isP2PUploadDisabled?: boolean; simultaneousP2PDownloads?: number };
}

/** hls.js with p2p-media-loader's mixin (`HlsJsP2PEngine.injectMixin(Hls)`): `hls.p2pEngine`. */
export interface HlsWithP2p extends HlsLike {
  p2pEngine: P2pEngineControl;
}

export interface AttachOptions {
  hls: HlsWithP2p;
  video: MediaLike;
  /** The console's origin, e.g. `https://console.example.com`. */
  baseUrl: string;
  ingestKey: string;
  /** deviceId, deviceClass, clientVersion, contentId, swarmId; `optOut: true` when the viewer declined P2P. */
  session: SessionInfo;
  /** One report per interval (default 30 s). */
  intervalMs?: number;
  /** How often the rollout is re-evaluated (default 30 s). */
  pollIntervalMs?: number;
  /** Where unsent reports wait for the next page load (default: localStorage, memory where refused). */
  store?: ReportStore | false;
  /** The remote peer's ASN where the app knows it (0 = unknown). */
  peerAsn?: (peerId: string) => number;
  fetch?: FetchLike;
  /** Called after each change was applied, with what the engine now runs. */
  onApplied?: (applied: AppliedSettings) => void;
}

/** What the engine runs after applying a rollout evaluation. */
export interface AppliedSettings extends PlaybackConfig {
  /** What the rollout said (the engine may run less: opt-out). */
  settings: P2pSettings;
  /** `simultaneousP2PDownloads` set from the peer limit; null where the flag gave none. */
  simultaneousP2PDownloads: number | null;
}

export interface SwarmdeckHandle {
  readonly reporter: Reporter;
  readonly flags: WebFlags;
  applied(): AppliedSettings;
  /** Stops everything and sends the last report (kept for the next load if it cannot be sent). */
  close(): Promise<void>;
}

/** The mode the engine actually runs, read back from its own config. */
function engineMode(engine: P2pEngineControl): P2pMode {
  const core = engine.getConfig().core;
  const disabled = core.mainStream?.isP2PDisabled ?? core.isP2PDisabled ?? false;
  const noUpload = core.mainStream?.isP2PUploadDisabled ?? core.isP2PUploadDisabled ?? false;
  return disabled ? 'off' : noUpload ? 'download' : 'full';
}

/**
 * One call wires a web player: evaluates the rollout over OFREP, applies it to p2p-media-loader (P2P
 * off before the first answer), re-applies every change, reports what the engine ran, and flushes
 * on `pagehide` / `visibilitychange: hidden`.
 *
 * p2p-media-loader 2.3 settings used: `isP2PDisabled` (mode `off`, opt-out), `isP2PUploadDisabled`
 * (mode `download`), `simultaneousP2PDownloads` ≤ `p2p-max-peers`. It has no setting for an upload
 * rate or for the number of open peer connections: the upload cap and the peer limit beyond
 * simultaneous downloads are advisory.
 */
export async function attachSwarmdeck(o: AttachOptions): Promise<SwarmdeckHandle> {
  const engine = o.hls.p2pEngine;
  const baseDownloads =
    engine.getConfig().core.mainStream?.simultaneousP2PDownloads ??
    engine.getConfig().core.simultaneousP2PDownloads ??
    3;
  const apply = (settings: P2pSettings): AppliedSettings => {
    const want: P2pMode = o.session.optOut ? 'off' : settings.p2pMode;
    const downloads =
      want !== 'off' && settings.maxPeers > 0 ? Math.max(1, Math.min(baseDownloads, settings.maxPeers)) : null;
    engine.applyDynamicConfig({
      core: {
        isP2PDisabled: want === 'off',
        isP2PUploadDisabled: want !== 'full',
        simultaneousP2PDownloads: downloads ?? baseDownloads,
      },
    });
    return {
      p2pMode: engineMode(engine),
      cohort: settings.cohort,
      configVersion: settings.configVersion,
      settings,
      simultaneousP2PDownloads: downloads,
    };
  };

  // No P2P before the rollout has answered.
  let current = apply(OFF_SETTINGS);
  const store = o.store === false ? memoryStore() : (o.store ?? webStorageStore());
  const reporter = createReporter({
    endpoint: `${o.baseUrl.replace(/\/+$/, '')}/api/v1/telemetry`,
    ingestKey: o.ingestKey,
    session: o.session,
    config: current,
    intervalMs: o.intervalMs,
    store,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const adapter = new PlayerAdapter(reporter.counters, { peerAsn: o.peerAsn })
    .attachEngine(engine)
    .attachHls(o.hls)
    .attachMedia(o.video);

  const flags = await createWebFlags({
    baseUrl: o.baseUrl,
    ingestKey: o.ingestKey,
    context: {
      targetingKey: o.session.deviceId,
      deviceClass: o.session.deviceClass,
      clientVersion: o.session.clientVersion,
    },
    pollIntervalMs: o.pollIntervalMs,
    domain: `swarmdeck-p2p-${reporter.sessionId}`,
  });
  const onSettings = (s: P2pSettings) => {
    current = apply(s);
    reporter.setConfig(current);
    o.onApplied?.(current);
  };
  onSettings(flags.settings());
  const offFlags = flags.onChange(onSettings);

  const g = globalThis as {
    addEventListener?: typeof addEventListener;
    removeEventListener?: typeof removeEventListener;
    document?: Document;
  };
  const onHide = () => reporter.pageHidden();
  const onVisibility = () => {
    if (g.document?.visibilityState === 'hidden') reporter.pageHidden();
  };
  g.addEventListener?.('pagehide', onHide);
  g.document?.addEventListener('visibilitychange', onVisibility);

  let closed: Promise<void> | null = null;
  return {
    reporter,
    flags,
    applied: () => current,
    close() {
      closed ??= (async () => {
        g.removeEventListener?.('pagehide', onHide);
        g.document?.removeEventListener('visibilitychange', onVisibility);
        offFlags();
        adapter.detach();
        await flags.close().catch(() => undefined);
        await reporter.close();
      })();
      return closed;
    },
  };
}
