import { z } from 'zod';

// The contract's enums have one home: the telemetry schema.
import { DeviceClass } from './telemetry/schema';
export { DEVICE_CLASSES, DeviceClass, P2P_MODES, P2pMode } from './telemetry/schema';

export const DEVICE_CLASS_LABEL: Record<DeviceClass, string> = {
  smart_tv: 'Smart TV',
  streaming_stick: 'Streaming stick',
  game_console: 'Game console',
  set_top_box: 'Set-top box',
  desktop: 'Desktop',
  mobile: 'Mobile',
  tablet: 'Tablet',
};

/** The dashboard filters, as the URL holds them. Every key is optional; values are exact matches. */
export const Filters = z.object({
  deviceClass: DeviceClass.optional(),
  asn: z.coerce.number().int().min(0).max(4_294_967_295).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a two-letter country code')
    .optional(),
  contentId: z.string().min(1).max(128).optional(),
  clientVersion: z.string().min(1).max(32).optional(),
  cohort: z.string().min(1).max(32).optional(),
});
export type Filters = z.infer<typeof Filters>;

export const FILTER_KEYS = ['deviceClass', 'asn', 'country', 'contentId', 'clientVersion', 'cohort'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const FILTER_LABEL: Record<FilterKey, string> = {
  deviceClass: 'Device class',
  asn: 'ISP (ASN)',
  country: 'Country',
  contentId: 'Title',
  clientVersion: 'Client version',
  cohort: 'Cohort',
};

/** Parse the filters from URL search params, dropping any value that does not validate. */
export function filtersFromSearchParams(sp: URLSearchParams): Filters {
  const out: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const raw = sp.get(key);
    if (raw === null || raw === '') continue;
    const parsed = Filters.shape[key].safeParse(raw);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out as Filters;
}

export function filtersToSearchParams(filters: Filters, sp: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(sp);
  for (const key of FILTER_KEYS) {
    const v = filters[key];
    if (v === undefined) out.delete(key);
    else out.set(key, String(v));
  }
  return out;
}
