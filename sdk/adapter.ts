import type { SessionCounters } from './session';

/* Structural types: the adapter needs no import of hls.js or p2p-media-loader. */

/** p2p-media-loader v2's engine/core (`HlsJsP2PEngine`, `Core`): `addEventListener(name, listener)`. */
export interface P2pEngineLike {
  addEventListener(name: string, listener: (...args: never[]) => void): void;
  removeEventListener?(name: string, listener: (...args: never[]) => void): void;
}

/** hls.js: `on(event, (event, data) => …)`, `levels[i].bitrate` in bit/s. */
export interface HlsLike {
  on(event: string, listener: (event: string, data: never) => void): void;
  off?(event: string, listener: (event: string, data: never) => void): void;
  levels?: ReadonlyArray<{ bitrate: number }>;
}

/** The `<video>` element (or anything firing its events). */
export interface MediaLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
  error?: { code: number } | null;
}

/** hls.js event names (`Hls.Events.*`). */
export const HLS_EVENTS = {
  FRAG_LOADED: 'hlsFragLoaded',
  LEVEL_SWITCHED: 'hlsLevelSwitched',
  ERROR: 'hlsError',
} as const;

type PeerParam = string | { peerId: string };
const peerIdOf = (p: PeerParam) => (typeof p === 'string' ? p : p?.peerId ?? '');

interface FragStats {
  loaded?: number;
  total?: number;
}
interface FragLoadedData {
  frag?: { stats?: FragStats; type?: string };
  part?: { stats?: FragStats } | null;
}

export interface AdapterOptions {
  /** The remote peer's ASN, when the app knows it (e.g. from the tracker); 0 = unknown. */
  peerAsn?: (peerId: string) => number;
}

/**
 * Turns p2p-media-loader v2 core events and hls.js / media element events into reporter counters.
 *
 * CDN bytes: when P2P is off the engine hands segments to hls.js's own loader and fires no byte
 * events, and a late joiner's first segments come over HTTP before any peer connects — so the CDN
 * figure is reconciled from both sides: cumulative CDN = max(engine HTTP bytes, player fragment bytes
 * − engine P2P bytes). Both terms only grow, so each interval's delta is never negative and a
 * segment seen by both the engine and the player counts once.
 */
export class PlayerAdapter {
  private httpEngine = 0;
  private p2pDown = 0;
  private fragBytes = 0;
  private cdnCounted = 0;
  private undo: (() => void)[] = [];

  constructor(
    private readonly counters: SessionCounters,
    private readonly o: AdapterOptions = {},
  ) {}

  private asn(peerId: string | undefined): number {
    return peerId && this.o.peerAsn ? this.o.peerAsn(peerId) || 0 : 0;
  }

  private reconcileCdn(): void {
    const cdn = Math.max(this.httpEngine, this.fragBytes - this.p2pDown);
    if (cdn > this.cdnCounted) {
      this.counters.addCdn(cdn - this.cdnCounted);
      this.cdnCounted = cdn;
    }
  }

  // p2p-media-loader core events
  readonly onChunkDownloaded = (bytes: number, source: 'http' | 'p2p', peerId?: string): void => {
    if (!(bytes > 0)) return;
    if (source === 'p2p') {
      this.p2pDown += bytes;
      this.counters.addP2pDown(bytes, this.asn(peerId));
    } else {
      this.httpEngine += bytes;
    }
    this.reconcileCdn();
  };
  readonly onChunkUploaded = (bytes: number, peerId: string): void => {
    if (bytes > 0) this.counters.addP2pUp(bytes, this.asn(peerId));
  };
  readonly onPeerConnect = (p: PeerParam): void => this.counters.peerConnected(peerIdOf(p));
  readonly onPeerClose = (p: PeerParam): void => this.counters.peerClosed(peerIdOf(p));
  readonly onPeerError = (p: PeerParam): void => this.counters.peerError(peerIdOf(p));

  // hls.js events
  readonly onFragLoaded = (_e: string, data: FragLoadedData): void => {
    const stats = data?.part?.stats ?? data?.frag?.stats;
    const bytes = stats?.loaded ?? stats?.total ?? 0;
    if (bytes > 0) {
      this.fragBytes += bytes;
      this.reconcileCdn();
    }
  };
  private hls: HlsLike | null = null;
  readonly onLevelSwitched = (_e: string, data: { level: number }): void => {
    const level = this.hls?.levels?.[data?.level];
    if (level) this.counters.setBitrate(Math.round(level.bitrate / 1000));
  };
  readonly onHlsError = (_e: string, data: { fatal?: boolean; details?: string; type?: string }): void => {
    if (data?.fatal) this.counters.fatal(data.details || data.type || 'hlsFatal');
  };

  attachEngine(engine: P2pEngineLike): this {
    const pairs: [string, (...a: never[]) => void][] = [
      ['onChunkDownloaded', this.onChunkDownloaded],
      ['onChunkUploaded', this.onChunkUploaded],
      ['onPeerConnect', this.onPeerConnect],
      ['onPeerClose', this.onPeerClose],
      ['onPeerError', this.onPeerError],
    ];
    for (const [n, fn] of pairs) engine.addEventListener(n, fn);
    this.undo.push(() => pairs.forEach(([n, fn]) => engine.removeEventListener?.(n, fn)));
    return this;
  }

  attachHls(hls: HlsLike): this {
    this.hls = hls;
    const pairs: [string, (e: string, d: never) => void][] = [
      [HLS_EVENTS.FRAG_LOADED, this.onFragLoaded],
      [HLS_EVENTS.LEVEL_SWITCHED, this.onLevelSwitched],
      [HLS_EVENTS.ERROR, this.onHlsError],
    ];
    for (const [n, fn] of pairs) hls.on(n, fn);
    this.undo.push(() => pairs.forEach(([n, fn]) => hls.off?.(n, fn)));
    return this;
  }

  attachMedia(media: MediaLike): this {
    const c = this.counters;
    const pairs: [string, () => void][] = [
      ['play', () => c.playRequested()],
      ['playing', () => c.playing()],
      ['waiting', () => c.waiting()],
      ['pause', () => c.paused()],
      ['ended', () => c.ended()],
      ['error', () => c.fatal(`MEDIA_ERR_${media.error?.code ?? 0}`)],
    ];
    for (const [n, fn] of pairs) media.addEventListener(n, fn);
    this.undo.push(() => pairs.forEach(([n, fn]) => media.removeEventListener(n, fn)));
    return this;
  }

  detach(): void {
    for (const u of this.undo.splice(0)) u();
  }
}
