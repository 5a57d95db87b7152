import { Badge as TremorBadge } from '@tremor/react';

export type BadgeColor = 'emerald' | 'amber' | 'red' | 'gray' | 'blue';

/**
 * Tremor's Badge with text that reads: its own text colour (the 600 shade on a 10 % tint) is 3.4:1 in
 * light and 2.2:1 for gray in dark, below WCAG AA. The darker/lighter shades here are 4.5:1 or more on
 * the tint in both themes (axe-core checks every console page). Written out so Tailwind generates them.
 */
const TEXT: Record<BadgeColor, string> = {
  emerald: 'text-emerald-800 dark:text-emerald-300',
  amber: 'text-amber-800 dark:text-amber-300',
  red: 'text-red-800 dark:text-red-300',
  gray: 'text-gray-700 dark:text-gray-300',
  blue: 'text-blue-800 dark:text-blue-300',
};

export function Badge({
  color = 'gray',
  className = '',
  ...rest
}: Omit<React.ComponentProps<typeof TremorBadge>, 'color'> & { color?: BadgeColor }) {
  return <TremorBadge color={color} className={`${TEXT[color]} ${className}`} {...rest} />;
}
