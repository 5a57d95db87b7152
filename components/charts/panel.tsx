import { Card, Text, Title } from '@tremor/react';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';

export interface PanelStatus {
  pending: boolean;
  error?: { message: string } | null;
  onRetry?: () => void;
  empty?: boolean;
}

/** A titled card with the shared loading / error / empty states around a chart or table. */
export function Panel({
  title,
  subtitle,
  status,
  emptyText = 'No telemetry in this range and selection.',
  testId,
  children,
  className = '',
}: {
  title: string;
  subtitle?: string;
  status: PanelStatus;
  emptyText?: string;
  testId?: string;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <Card data-testid={testId} className={className}>
      <Title>{title}</Title>
      {subtitle && (
        <div data-testid={testId ? `${testId}-subtitle` : undefined}>
          <Text className="mt-1">{subtitle}</Text>
        </div>
      )}
      <div className="mt-4">
        {status.pending ? (
          <LoadingState />
        ) : status.error ? (
          <ErrorState error={status.error} onRetry={status.onRetry} />
        ) : status.empty ? (
          <EmptyState title="No data">{emptyText}</EmptyState>
        ) : (
          children
        )}
      </div>
    </Card>
  );
}

/** Query state → panel status (any object with TanStack Query's fields). */
export function statusOf(
  q: { isPending: boolean; error: { message: string } | null; refetch: () => unknown },
  empty?: (d: never) => boolean,
  data?: unknown,
): PanelStatus {
  return {
    pending: q.isPending,
    error: q.error,
    onRetry: () => void q.refetch(),
    empty: data !== undefined && empty ? empty(data as never) : false,
  };
}
