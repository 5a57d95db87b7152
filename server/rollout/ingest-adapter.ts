import { createHash, timingSafeEqual } from 'node:crypto';
import { directPeer } from '../net/peer';

/**
 * The two things OFREP borrows from ingestion: ingest-key verification and IP → ASN/country.
 * TEMPORARY local stand-ins until server/ingest/keys.ts and geo.ts land; swapped for the real ones.
 */
export interface OfrepKey {
  id: string;
}

function presented(headers: Headers): string | null {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? m[1]!.trim() : null;
  }
  return headers.get('x-api-key')?.trim() || null;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export async function verifyOfrepKey(headers: Headers): Promise<OfrepKey | null> {
  const key = presented(headers);
  const boot = process.env.SWARMDECK_INGEST_KEY;
  if (!key || !boot) return null;
  return timingSafeEqual(digest(key), digest(boot)) ? { id: 'bootstrap' } : null;
}

export interface ClientGeo {
  asn: number | null;
  country: string | null;
}

/** What the server can derive from the client's address (nulls when it cannot). */
export function clientGeo(headers: Headers): ClientGeo {
  void directPeer(headers);
  return { asn: null, country: null };
}

export function warmGeo(): void {}
