/** The QoE page's source filter: SDK telemetry, CMCD event reports, or both (each session once). */
export const QOE_SOURCES = ['all', 'sdk', 'cmcd'] as const;
// The server parses it with the zod enum in server/cmcd/qoe-source.ts; the page only needs the list.
export type QoeSource = (typeof QOE_SOURCES)[number];

export const QOE_SOURCE_LABEL: Record<QoeSource, string> = {
  all: 'All players (SDK wins per session)',
  sdk: 'SDK telemetry',
  cmcd: 'CMCD event reports',
};

export function isQoeSource(v: unknown): v is QoeSource {
  return (QOE_SOURCES as readonly unknown[]).includes(v);
}

/** `?source=` from the URL; anything else is the default, `all`. */
export function qoeSourceFromSearchParams(sp: URLSearchParams): QoeSource {
  const v = sp.get('source');
  return isQoeSource(v) ? v : 'all';
}
