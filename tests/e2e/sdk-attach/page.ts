/** The page of tests/e2e/sdk-attach.test.ts: a real hls.js + p2p-media-loader engine wired by attachSwarmdeck. */
import Hls from 'hls.js';
import { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
import { attachSwarmdeck, type SwarmdeckHandle } from '../../../sdk/index';

interface Made {
  hls: InstanceType<typeof Hls> & { p2pEngine: HlsJsP2PEngine };
  handle: SwarmdeckHandle;
}
let made: Made | undefined;

function engineState() {
  const c = made!.hls.p2pEngine.getConfig().core;
  return {
    disabled: c.mainStream.isP2PDisabled,
    noUpload: c.mainStream.isP2PUploadDisabled,
    downloads: c.mainStream.simultaneousP2PDownloads,
    applied: made!.handle.applied().p2pMode,
    cohort: made!.handle.applied().cohort,
    configVersion: made!.handle.applied().configVersion,
  };
}

Object.assign(window, {
  async make(o: { baseUrl: string; ingestKey: string; deviceId: string; optOut: boolean }) {
    const HlsWithP2P = HlsJsP2PEngine.injectMixin(Hls);
    const hls = new HlsWithP2P({ p2p: { core: { simultaneousP2PDownloads: 3 } } });
    const video = document.createElement('video');
    const handle = await attachSwarmdeck({
      hls: hls as never,
      video,
      baseUrl: o.baseUrl,
      ingestKey: o.ingestKey,
      session: {
        deviceId: o.deviceId,
        deviceClass: 'desktop',
        clientVersion: '1.0.0',
        contentId: 'attach',
        swarmId: 'attach/1',
        optOut: o.optOut,
      },
      intervalMs: 1_000,
      pollIntervalMs: 1_000,
      store: false,
    });
    made = { hls: hls as Made['hls'], handle };
    return engineState();
  },
  engineState,
  async close() {
    await made!.handle.close();
    return { sessionId: made!.handle.reporter.sessionId, stats: made!.handle.reporter.stats() };
  },
});
