import { processSingleton, TokenBuckets } from '../core/rate-limit';

export { TokenBuckets };

/** The process's ingestion buckets (one set, even when Next's bundles load this module twice). */
export function ingestBuckets(): { keys: TokenBuckets; addrs: TokenBuckets } {
  return processSingleton('ingest.buckets', () => ({ keys: new TokenBuckets(), addrs: new TokenBuckets() }));
}
