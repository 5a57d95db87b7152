/**
 * The throwaway player app the real-swarm test bundles against the installed SDK tarball: hls.js +
 * p2p-media-loader's hls.js engine, wired with one call. It keeps p2p-media-loader's own byte counts
 * (from the engine's events, independent of the SDK) for the test to compare with the console.
 */
import Hls from 'hls.js';
import { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
import { attachSwarmdeck, type AppliedSettings, type SwarmdeckHandle } from '@swarmdeck/player-sdk';

interface StartOptions {
  manifest: string;
  tracker: string;
  baseUrl: string;
  ingestKey: string;
  deviceId: string;
  contentId: string;
  swarmId: string;
}

interface PlayerState {
  own: { http: number; p2pDown: number; p2pUp: number };
  applied: (AppliedSettings & { at: number })[];
  handle?: SwarmdeckHandle;
  hls?: InstanceType<typeof Hls>;
  sessionId?: string;
  fragments: number;
  loaded: Set<number>;
  errors: string[];
  /** p2p-media-loader's aborted / failed segment downloads (kept for a failing test's message). */
  incidents: string[];
}

const state: PlayerState = {
  own: { http: 0, p2pDown: 0, p2pUp: 0 },
  applied: [],
  fragments: 0,
  loaded: new Set(),
  errors: [],
  incidents: [],
};
(window as unknown as { player: unknown }).player = {
  state,
  async start(o: StartOptions) {
    const HlsWithP2P = HlsJsP2PEngine.injectMixin(Hls);
    const hls = new HlsWithP2P({
      maxBufferLength: 6,
      maxMaxBufferLength: 8,
      p2p: {
        core: {
          announceTrackers: [o.tracker],
          rtcConfig: { iceServers: [] },
          swarmId: o.swarmId,
          // Small windows keep bytes moving while the pages play (VOD defaults fetch the whole fixture at once).
          highDemandTimeWindow: 2,
          httpDownloadTimeWindow: 2,
          p2pDownloadTimeWindow: 12,
          httpDownloadInitialTimeoutMs: 0,
        },
      },
    });
    state.hls = hls;
    hls.p2pEngine.addEventListener('onChunkDownloaded', (bytes: number, source: string) => {
      if (source === 'p2p') state.own.p2pDown += bytes;
      else state.own.http += bytes;
    });
    hls.p2pEngine.addEventListener('onSegmentAbort', (d: { segment: { url: string }; downloadSource?: string }) => {
      state.incidents.push(`abort ${d.downloadSource} ${d.segment.url.split('/').pop()} at ${Date.now()}`);
    });
    hls.p2pEngine.addEventListener(
      'onSegmentError',
      (d: { segment: { url: string }; downloadSource?: string; error: { type: string } }) => {
        state.incidents.push(
          `error ${d.downloadSource} ${d.segment.url.split('/').pop()} ${d.error.type} at ${Date.now()}`,
        );
      },
    );
    hls.p2pEngine.addEventListener('onChunkUploaded', (bytes: number) => {
      state.own.p2pUp += bytes;
    });
    hls.on(Hls.Events.FRAG_LOADED, (_e, d) => {
      if (typeof d.frag.sn === 'number') state.loaded.add(d.frag.sn);
      state.fragments++;
    });
    hls.on(Hls.Events.ERROR, (_e, d) => {
      if (d.fatal) state.errors.push(`${d.type}: ${d.details}`);
    });
    const video = document.querySelector('video')!;
    const handle = await attachSwarmdeck({
      hls: hls as never,
      video,
      baseUrl: o.baseUrl,
      ingestKey: o.ingestKey,
      session: {
        deviceId: o.deviceId,
        deviceClass: 'desktop',
        clientVersion: '1.0.0',
        contentId: o.contentId,
        swarmId: o.swarmId,
      },
      intervalMs: 2_000,
      pollIntervalMs: 1_000,
      onApplied: (a) => state.applied.push({ ...a, at: Date.now() }),
    });
    state.applied.push({ ...handle.applied(), at: Date.now() });
    state.handle = handle;
    state.sessionId = handle.reporter.sessionId;
    hls.loadSource(o.manifest);
    hls.attachMedia(video);
    video.muted = true;
    await video.play().catch((e: Error) => state.errors.push(`play: ${e.message}`));
  },
  /** Stops the engine first (no byte moves after the counts are read), then the SDK (its last report). */
  async stop() {
    const played = document.querySelector('video')!.currentTime;
    state.hls?.destroy();
    const own = { ...state.own };
    await state.handle?.close();
    return { own, played, stats: state.handle?.reporter.stats() };
  },
  mode: () => state.handle?.applied().p2pMode,
  pause: () => document.querySelector('video')!.pause(),
  resume: () => document.querySelector('video')!.play(),
  /** Buffers the rest of the title (so no request is in flight when the test stops the player). */
  bufferAll() {
    if (!state.hls) return;
    state.hls.config.maxBufferLength = 600;
    state.hls.config.maxMaxBufferLength = 600;
  },
  /** Media fragments loaded (distinct sequence numbers) and how many the title has. */
  progress: () => ({ loaded: state.loaded.size, total: state.hls?.levels[0]?.details?.fragments.length ?? -1 }),
};
