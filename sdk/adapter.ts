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
  FRAG_LOADING: 'hlsFragLoading',
  FRAG_LOADED: 'hlsFragLoaded',
  FRAG_BUFFERED: 'hlsFragBuffered',
  LEVEL_SWITCHED: 'hlsLevelSwitched',
  ERROR: 'hlsError',
} as const;

type PeerParam = string | { peerId: string };
const peerIdOf = (p: PeerParam) => (typeof p === 'string' ? p : (p?.peerId ?? ''));

interface FragStats {
  loaded?: number;
  total?: number;
}
interface FragLoadedData {
  frag?: { stats?: FragStats; type?: string; sn?: number | string };
  part?: { stats?: FragStats } | null;
  /**
   * hls.js always sets this key: its own loader's request (an XMLHttpRequest or fetch Response), or
   * nothing when p2p-media-loader's fragment loader served the fragment. A missing key: not known.
   */
  networkDetails?: unknown;
}

export interface AdapterOptions {
  /** The remote peer's ASN, when the app knows it (e.g. from the tracker); 0 = unknown. */
  peerAsn?: (peerId: string) => number;
}

/**
 * Turns p2p-media-loader v2 core events and hls.js / media element events into reporter counters.
 *
 * CDN bytes: when P2P is off the engine hands segments to hls.js's own loader and fires no byte
 * events, and init segments never go through the engine. Where hls.js says which loader fetched a
 * fragment (`networkDetails`: a request object for its own loader, null for p2p-media-loader's), CDN =
 * engine HTTP bytes + bytes hls.js's own loader fetched — exact even when the engine prefetched
 * segments the player never asked for. Where it does not say (no `networkDetails` key), the figure is reconciled from both
 * sides: max(engine HTTP bytes, player fragment bytes − engine P2P bytes). Every term only grows, so
 * no interval's delta is negative and a segment seen by both counts once.
 */
export class PlayerAdapter {
  private httpEngine = 0;
  private p2pDown = 0;
  /** Fragment bytes hls.js's own loader fetched (known: CDN). */
  private directBytes = 0;
  /** Fragment bytes whose loader is not known. */
  private fragBytes = 0;
  private cdnCounted = 0;
  /** Init segments being loaded: hls.js fires no FRAG_LOADED for them, so their stats are read later. */
  private initFrags = new Set<{ stats?: FragStats & { loading?: { end?: number } } }>();
  private initCounted = new WeakSet<object>();
  private undo: (() => void)[] = [];

  constructor(
    private readonly counters: SessionCounters,
    private readonly o: AdapterOptions = {},
  ) {}

  private asn(peerId: string | undefined): number {
    return peerId && this.o.peerAsn ? this.o.peerAsn(peerId) || 0 : 0;
  }

  private reconcileCdn(): void {
    const cdn = this.directBytes + Math.max(this.httpEngine, this.fragBytes - this.p2pDown);
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
  /**
   * Init segments (fMP4 `EXT-X-MAP`) are fetched by hls.js's own loader (p2p-media-loader 2.3 handles
   * media segments only) and hls.js fires no FRAG_LOADED for them: they are remembered here and counted
   * as CDN bytes once their load has ended (checked on the next fragment event and on detach).
   */
  readonly onFragLoading = (_e: string, data: FragLoadedData): void => {
    if (data?.frag && data.frag.sn === 'initSegment') this.initFrags.add(data.frag);
  };
  private settleInitFrags(): void {
    for (const f of this.initFrags) {
      const st = f.stats;
      if (!st || !(st.loading?.end && st.loading.end > 0)) continue;
      this.initFrags.delete(f);
      if (this.initCounted.has(st)) continue;
      this.initCounted.add(st);
      const bytes = st.loaded ?? st.total ?? 0;
      if (bytes > 0) {
        this.directBytes += bytes;
        this.reconcileCdn();
      }
    }
  }
  readonly onFragBuffered = (): void => this.settleInitFrags();
  readonly onFragLoaded = (_e: string, data: FragLoadedData): void => {
    this.settleInitFrags();
    const stats = data?.part?.stats ?? data?.frag?.stats;
    const bytes = stats?.loaded ?? stats?.total ?? 0;
    if (!(bytes > 0)) return;
    if (!data || !('networkDetails' in data)) this.fragBytes += bytes;
    else if (data.networkDetails) this.directBytes += bytes;
    else return; // served by p2p-media-loader: its own HTTP / P2P events counted it
    this.reconcileCdn();
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
      [HLS_EVENTS.FRAG_LOADING, this.onFragLoading],
      [HLS_EVENTS.FRAG_LOADED, this.onFragLoaded],
      [HLS_EVENTS.FRAG_BUFFERED, this.onFragBuffered],
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
    this.settleInitFrags();
    for (const u of this.undo.splice(0)) u();
  }
}
