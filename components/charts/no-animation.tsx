import type { ReactNode } from 'react';

/**
 * Stands in for `react-smooth` (Recharts' animation library) in the browser bundle: next.config.js aliases
 * the package here. Swarmdeck's charts never animate — Tremor's `showAnimation` defaults to false, no chart
 * of the console sets it, and an operator reads figures, not transitions — so Recharts never mounts an
 * active `Animate`, yet it imports the library (and react-transition-group) for every chart: ≈ 6.5 KiB of
 * compressed script on every chart page (README "Dashboards → Page weight").
 *
 * What it does is what react-smooth 4 does when an animation is inactive: a render function gets the end
 * state (`to`), elements are returned as they are. An active animation would jump to its end state too.
 */
interface AnimateProps {
  children?: ReactNode | ((style: unknown) => ReactNode);
  to?: unknown;
  [prop: string]: unknown;
}

export default function Animate({ children, to }: AnimateProps): ReactNode {
  if (typeof children === 'function') return children(to);
  return children ?? null;
}

/** react-smooth's other exports (Recharts 2 imports only the default). */
export const AnimateGroup = ({ children }: { children?: ReactNode }): ReactNode => children ?? null;
export function configBezier(): (t: number) => number {
  return (t) => t;
}
export function configSpring(): (t: number) => number {
  return (t) => t;
}
