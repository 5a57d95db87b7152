import { defaultShouldDehydrateQuery, QueryClient } from '@tanstack/react-query';
import { wire } from '@/lib/wire';

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 30_000, retry: 1 },
      dehydrate: {
        serializeData: wire.serialize,
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === 'pending',
        shouldRedactErrors: () => false,
      },
      hydrate: { deserializeData: wire.deserialize },
    },
  });
}
