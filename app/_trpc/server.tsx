import 'server-only';
import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import { createTRPCOptionsProxy, type TRPCQueryOptions } from '@trpc/tanstack-react-query';
import { headers } from 'next/headers';
import { cache } from 'react';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import { makeQueryClient } from './query-client';

export const getQueryClient = cache(makeQueryClient);

const createRscContext = cache(async () => createContext({ headers: new Headers(await headers()) }));

export const trpc = createTRPCOptionsProxy({ ctx: createRscContext, router: appRouter, queryClient: getQueryClient });

/** A server-side caller for pages that need a value before rendering (redirects, role checks). */
export const serverCaller = cache(async () => appRouter.createCaller(await createRscContext()));

export function HydrateClient({ children }: { children: React.ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function prefetch<T extends ReturnType<TRPCQueryOptions<any>>>(queryOptions: T): Promise<void> {
  // Callers may await it (the HTML then carries the answer) or not (it streams in).
  return getQueryClient().prefetchQuery(queryOptions);
}
