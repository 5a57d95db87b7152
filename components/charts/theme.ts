import { formatBytes, formatCount, formatMbps, formatMs, formatPercent, formatUsd } from '@/lib/format';

/** Colours and number formats of every chart, in one place (Tremor colour names; both themes). */
export const COLORS = {
  cdn: 'slate',
  p2p: 'emerald',
  p2pUp: 'cyan',
  offload: 'blue',
  intra: 'teal',
  in: 'violet',
  out: 'amber',
  bad: 'rose',
  series: ['blue', 'emerald', 'amber', 'violet', 'rose', 'cyan', 'fuchsia', 'lime', 'orange', 'indigo'],
} as const;

export type Unit = 'bytes' | 'percent' | 'mbps' | 'count' | 'ms' | 'usd' | 'kbps' | 'ratio';

export const FORMAT: Record<Unit, (v: number | null | undefined) => string> = {
  bytes: (v) => formatBytes(v),
  percent: (v) => formatPercent(v),
  mbps: (v) => formatMbps(v),
  count: (v) => formatCount(v),
  ms: (v) => formatMs(v),
  usd: (v) => formatUsd(v),
  kbps: (v) =>
    v === null || v === undefined || !Number.isFinite(v)
      ? '—'
      : v >= 1000
        ? `${(v / 1000).toFixed(2)} Mbit/s`
        : `${Math.round(v)} kbit/s`,
  ratio: (v) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(2)} ×`),
};

/** Time labels in UTC, so the server render and the browser agree. */
export function timeLabel(ms: number, stepSeconds: number): string {
  const iso = new Date(ms).toISOString();
  return stepSeconds >= 86_400
    ? iso.slice(5, 10)
    : stepSeconds >= 3600
      ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
      : iso.slice(11, 16);
}
