import type { TelemetryReport } from '../sdk/report';

interface Sums {
  reports: number;
  cdn: number;
  p2pDown: number;
  p2pUp: number;
}
const zero = (): Sums => ({ reports: 0, cdn: 0, p2pDown: 0, p2pUp: 0 });
function add(s: Sums, r: TelemetryReport) {
  s.reports++;
  s.cdn += r.bytes.cdn;
  s.p2pDown += r.bytes.p2pDown;
  s.p2pUp += r.bytes.p2pUp;
}

/** The simulator's own count of what it produced and what the endpoint acknowledged (tests compare). */
export class Tally {
  readonly generated = zero();
  readonly delivered = zero();
  readonly dropped = { overflow: 0, expired: 0, rejected: 0 };
  readonly sessionsStarted = new Set<string>();
  readonly sessionsDelivered = new Set<string>();
  readonly deliveredByAsn = new Map<number, Sums>();
  readonly deliveredByMode: Record<string, Sums> = {};
  ofrep = { evaluations: 0, fallbacks: 0 };

  onGenerated(r: TelemetryReport): void {
    add(this.generated, r);
    this.sessionsStarted.add(r.sessionId);
  }

  onDelivered(reports: TelemetryReport[], asn: number): void {
    for (const r of reports) {
      add(this.delivered, r);
      this.sessionsDelivered.add(r.sessionId);
      let a = this.deliveredByAsn.get(asn);
      if (!a) this.deliveredByAsn.set(asn, (a = zero()));
      add(a, r);
      add((this.deliveredByMode[r.p2pMode] ??= zero()), r);
    }
  }

  onDropped(n: number, reason: 'overflow' | 'expired' | 'rejected'): void {
    this.dropped[reason] += n;
  }

  offload(s: Sums = this.delivered): number {
    const total = s.p2pDown + s.cdn;
    return total ? s.p2pDown / total : 0;
  }

  toJSON() {
    return {
      generated: this.generated,
      delivered: this.delivered,
      dropped: this.dropped,
      sessions: { started: this.sessionsStarted.size, delivered: this.sessionsDelivered.size },
      offload: this.offload(),
      byMode: this.deliveredByMode,
      byAsn: Object.fromEntries([...this.deliveredByAsn].sort((a, b) => a[0] - b[0])),
      ofrep: this.ofrep,
    };
  }

  summary(): string {
    const gb = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
    const d = this.delivered;
    return [
      `reports: ${this.generated.reports} generated, ${d.reports} delivered, dropped ${this.dropped.overflow} (buffer full) / ${this.dropped.expired} (older than 24 h) / ${this.dropped.rejected} (rejected)`,
      `sessions: ${this.sessionsDelivered.size}`,
      `bytes delivered: CDN ${gb(d.cdn)}, P2P down ${gb(d.p2pDown)}, P2P up ${gb(d.p2pUp)} — offload ${(this.offload() * 100).toFixed(1)} %`,
      `flag evaluations: ${this.ofrep.evaluations} over OFREP, ${this.ofrep.fallbacks} from the static fallback`,
    ].join('\n');
  }
}
