import { describe, expect, it } from 'vitest';
import { FILTER_KEYS, pageFilters, type Filters } from '@/lib/filters';
import { applicableFilters, type Family } from '../clickhouse/queries/dashboards';

/** A value for every filter key, so applicableFilters reports each as applied or ignored. */
const EVERY: Filters = {
  deviceClass: 'mobile',
  asn: 1,
  country: 'DE',
  contentId: 't',
  clientVersion: '1',
  cohort: 'p2p',
};
const applied = (families: Family[]) =>
  FILTER_KEYS.filter((k) => families.every((f) => !applicableFilters(f, EVERY).ignored.includes(k)));

describe('the global bar offers on each page exactly the filters its figures apply', () => {
  it.each([
    ['/overview', ['totals', 'offload'] as Family[]],
    ['/offload', ['totals', 'offload'] as Family[]],
    ['/qoe', ['totals'] as Family[]],
    ['/swarms', ['swarm'] as Family[]],
    ['/isps', ['isp', 'pair'] as Family[]],
  ])('%s', (path, families) => {
    expect([...pageFilters(path)!]).toEqual(applied(families));
  });

  it('an ISP page applies the range but no filter; pages without figures show no bar', () => {
    expect(pageFilters('/isps/15169')).toEqual([]);
    for (const p of ['/rollouts', '/reports', '/audit', '/settings', '/settings/x']) expect(pageFilters(p)).toBeNull();
  });
});
