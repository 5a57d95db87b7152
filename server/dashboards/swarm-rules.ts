/**
 * What the Swarms page computes per swarm and when a swarm is in trouble — shared by the live query
 * (service.ts) and the background summary (swarm-summary.ts), so both compute the same figures.
 */

/** In trouble: ≥ minPeers active peers and offload < minOffload, or ≥ minAttempts and success < minSuccess. */
export const TROUBLE = { minPeers: 10, minOffload: 0.2, minAttempts: 20, minSuccess: 0.5 } as const;

/** How many troubled swarms the banner names (their count is given in full). */
export const TROUBLE_LIST = 10;

/** The aggregates of a swarm row (what the swarm rollup must carry). */
export const SWARM_AGGS = [
  'peers',
  'uploadingPeers',
  'connected',
  'attempts',
  'failures',
  'cdn',
  'p2pDown',
  'p2pUp',
  'contentId',
  'reports',
] as const;

/** The trouble thresholds as the swarm queries' params. */
export const TROUBLE_PARAMS = {
  tPeers: TROUBLE.minPeers,
  tOffload: TROUBLE.minOffload,
  tAttempts: TROUBLE.minAttempts,
  tSuccess: TROUBLE.minSuccess,
} as const;
