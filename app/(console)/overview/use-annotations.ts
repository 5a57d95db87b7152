'use client';

import { useQuery } from '@tanstack/react-query';
import type { Annotation } from '@/components/charts/marks';
import { useTRPC } from '../../_trpc/client';

/**
 * Rollout config changes inside a figure's window (from the rollouts router), as chart annotations.
 * Keyed by the window the figure answered for, so a live range does not refetch on every render.
 */
export function useRolloutAnnotations(window: { from: number; to: number } | undefined): Annotation[] {
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.rollouts.annotations.queryOptions({ from: new Date(window?.from ?? 0), to: new Date(window?.to ?? 0) }),
    enabled: window !== undefined,
    retry: false,
  });
  return (q.data ?? []).map((a) => ({ t: new Date(a.ts).getTime(), label: a.label }));
}
