import { describe, expect, it } from 'vitest';
import { lookupIp } from '../server/ingest/geo';
import { ISPS, ispRanges, randomIp } from './isps';
import { Rng } from './random';

describe('simulated ISPs', () => {
  it("draws every client address from its ISP's real ranges: the console's enrichment maps it back", () => {
    const rng = new Rng(3);
    const ranges = ispRanges((ip) => lookupIp(ip).country);
    for (const isp of ISPS) {
      const countries = new Map<string, number>();
      for (let i = 0; i < 40; i++) {
        const g = lookupIp(randomIp(ranges.get(isp.asn)!, rng));
        expect(g.asn).toBe(isp.asn);
        countries.set(g.country, (countries.get(g.country) ?? 0) + 1);
      }
      // Only blocks registered in the ISP's own country are drawn from.
      expect([...countries.keys()]).toEqual([isp.country]);
    }
  }, 60_000);
});
