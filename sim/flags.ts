import { createNodeFlags, type NodeFlags } from '../sdk/node';
import type { P2pSettings } from '../sdk/settings';
import type { SimDevice } from './fleet';
import { staticSettings } from './model';
import type { Tally } from './tally';

/**
 * Each simulated player evaluates its P2P flags through the console's OFREP endpoint (OpenFeature
 * server SDK + OFREP provider), its own address in X-Forwarded-For. While the endpoint does not answer,
 * players use the static fallback config from model.ts — said once on the log, and again when OFREP answers.
 */
export class FleetFlags {
  private readonly flags: NodeFlags;
  private readonly cache = new Map<string, { settings: P2pSettings; at: number }>();
  private usingFallback: boolean | undefined;

  constructor(
    baseUrl: string,
    ingestKey: string,
    private readonly tally: Tally,
    private readonly log: (line: string) => void,
    fetchImpl?: typeof fetch,
  ) {
    this.flags = createNodeFlags({ baseUrl, ingestKey, fetch: fetchImpl, domain: 'swarmdeck-sim' });
  }

  cached(d: SimDevice): P2pSettings {
    return this.cache.get(d.id)?.settings ?? staticSettings(d.id, d.profile.cls);
  }

  age(d: SimDevice, now = Date.now()): number {
    const c = this.cache.get(d.id);
    return c ? now - c.at : Infinity;
  }

  async evaluate(d: SimDevice): Promise<P2pSettings> {
    const r = await this.flags
      .evaluate(
        {
          targetingKey: d.id,
          deviceClass: d.profile.cls,
          clientVersion: d.version,
          country: d.isp.country,
          asn: d.isp.asn,
        },
        { 'x-forwarded-for': d.ip },
      )
      .catch((err: Error) => ({ ok: false as const, error: err.message }));
    let settings: P2pSettings;
    if (r.ok) {
      settings = r.settings;
      this.tally.ofrep.evaluations++;
      if (this.usingFallback !== false) this.log(`OFREP answers: players follow the console's rollout rules`);
      this.usingFallback = false;
    } else {
      settings = staticSettings(d.id, d.profile.cls);
      this.tally.ofrep.fallbacks++;
      if (this.usingFallback !== true)
        this.log(`OFREP unavailable (${r.error}): players use the simulator's STATIC fallback config until it answers`);
      this.usingFallback = true;
    }
    this.cache.set(d.id, { settings, at: Date.now() });
    return settings;
  }

  close(): Promise<void> {
    return this.flags.close();
  }
}
