import { filtersFromSearchParams } from '@/lib/filter-params';
import type { Filters } from '@/lib/filter-schema';
import { rangeFromSearchParams } from '@/lib/range-params';
import type { TimeRangeInput } from '@/lib/time-range';

/** Page search params → URLSearchParams → the dashboards' input, the same on the server and in the view. */
export type PageSearchParams = Promise<Record<string, string | string[] | undefined>>;

export function toSearchParams(sp: Record<string, string | string[] | undefined>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(sp)) {
    if (typeof v === 'string') out.set(k, v);
    else if (Array.isArray(v) && v[0] !== undefined) out.set(k, v[0]);
  }
  return out;
}

export async function dashboardInput(
  searchParams: PageSearchParams,
): Promise<{ sp: URLSearchParams; input: { range: TimeRangeInput; filters: Filters } }> {
  const sp = toSearchParams(await searchParams);
  return { sp, input: { range: rangeFromSearchParams(sp), filters: filtersFromSearchParams(sp) } };
}

export const DEFAULT_COST_PER_GB = 0.02;

/** The dearest CDN price the overview accepts, $/GB (the server's `costPerGb` schema says the same). */
export const COST_PER_GB_MAX = 1000;

/** A price the overview accepts: finite, 0 … COST_PER_GB_MAX. */
export function isCostPerGb(v: number): boolean {
  return Number.isFinite(v) && v >= 0 && v <= COST_PER_GB_MAX;
}

export function costFromSearchParams(sp: URLSearchParams): number {
  const raw = sp.get('costPerGb');
  const v = Number(raw);
  return raw !== null && raw !== '' && isCostPerGb(v) ? v : DEFAULT_COST_PER_GB;
}

/** Auto-refresh every 30 s while the range ends now. */
export function refetchFor(range: TimeRangeInput): number | false {
  return 'preset' in range ? 30_000 : false;
}
