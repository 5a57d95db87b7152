import { clientAddress } from '../core/client-address';
import { lookupIp } from '../ingest/geo';
import { verifyIngestKey, type IngestKey } from '../ingest/keys';

/**
 * What OFREP borrows from ingestion: ingest-key verification and IP → ASN/country. OFREP also
 * accepts the key as `X-API-Key` (the contract), which ingestion's verifier reads as a bearer token.
 */
export async function verifyOfrepKey(headers: Headers): Promise<IngestKey | null> {
  if (!headers.has('authorization')) {
    const apiKey = headers.get('x-api-key')?.trim();
    if (!apiKey) return null;
    return verifyIngestKey(new Headers({ authorization: `Bearer ${apiKey}` }));
  }
  return verifyIngestKey(headers);
}

export interface ClientGeo {
  asn: number | null;
  country: string | null;
}

/** What the server can derive from the client's address (nulls when it cannot, e.g. private ranges). */
export function clientGeo(headers: Headers): ClientGeo {
  const addr = clientAddress(headers);
  if (!addr) return { asn: null, country: null };
  const g = lookupIp(addr);
  return { asn: g.asn > 0 ? g.asn : null, country: g.country || null };
}
