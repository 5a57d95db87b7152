import { z } from 'zod';

/** The QoE page's source filter: SDK telemetry, CMCD event reports, or both (each session once). */
export const QOE_SOURCES = ['all', 'sdk', 'cmcd'] as const;
export const QoeSource = z.enum(QOE_SOURCES);
export type QoeSource = z.infer<typeof QoeSource>;

export const QOE_SOURCE_LABEL: Record<QoeSource, string> = {
  all: 'All players (SDK wins per session)',
  sdk: 'SDK telemetry',
  cmcd: 'CMCD event reports',
};

/** `?source=` from the URL; anything else is the default, `all`. */
export function qoeSourceFromSearchParams(sp: URLSearchParams): QoeSource {
  const r = QoeSource.safeParse(sp.get('source'));
  return r.success ? r.data : 'all';
}
