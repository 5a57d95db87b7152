/**
 * The telemetry contract's enums as plain lists: the browser bundles read them from here without
 * zod; `./schema` builds its enums from them.
 */
export const DEVICE_CLASSES = [
  'smart_tv',
  'streaming_stick',
  'game_console',
  'set_top_box',
  'desktop',
  'mobile',
  'tablet',
] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export const P2P_MODES = ['off', 'download', 'full'] as const;
export type P2pMode = (typeof P2P_MODES)[number];

/** Largest value a UInt32 column holds (ASNs, versions, counts the contract leaves unbounded). */
export const UINT32_MAX = 4_294_967_295;
