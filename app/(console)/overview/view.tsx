'use client';

import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from '@tremor/react';
import { useQuery } from '@tanstack/react-query';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/states';
import { formatBytes, formatCount } from '@/lib/format';
import { useTRPC } from '../../_trpc/client';

export function OverviewView() {
  const trpc = useTRPC();
  const status = useQuery(trpc.store.status.queryOptions());
  return (
    <div className="grid gap-6">
      <EmptyState title="No dashboards yet">
        Offload, swarm and QoE tiles appear here once telemetry flows in. Start the simulated fleet with{' '}
        <code>npm run demo</code>, or point your players at <code>POST /api/v1/telemetry</code>.
      </EmptyState>
      <Card data-testid="store-status">
        <Title>Store</Title>
        {status.isPending ? (
          <LoadingState />
        ) : status.isError ? (
          <ErrorState error={status.error} onRetry={() => void status.refetch()} />
        ) : (
          <>
            <Text className="mt-1">
              {status.data.mode === 'embedded' ? 'Embedded ClickHouse (chdb)' : 'ClickHouse server'} {status.data.version} ·{' '}
              {status.data.migrations.applied} migrations applied, {status.data.migrations.pending} pending
            </Text>
            <Table className="mt-4">
              <TableHead>
                <TableRow>
                  <TableHeaderCell>Table</TableHeaderCell>
                  <TableHeaderCell className="text-right">Rows</TableHeaderCell>
                  <TableHeaderCell className="text-right">On disk</TableHeaderCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {status.data.tables.map((t) => (
                  <TableRow key={t.table}>
                    <TableCell>{t.table}</TableCell>
                    <TableCell className="text-right">{formatCount(t.rows)}</TableCell>
                    <TableCell className="text-right">{formatBytes(t.bytes)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </>
        )}
      </Card>
    </div>
  );
}
