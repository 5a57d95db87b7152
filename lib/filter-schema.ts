import { z } from 'zod';

// The contract's enums have one home: the telemetry schema.
import { DeviceClass } from './telemetry/schema';

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
