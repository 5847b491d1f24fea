import { defaultShouldDehydrateQuery, MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";

export function makeQueryClient(
  opts: { onQueryError?: (error: unknown) => void; onMutationError?: (error: unknown) => void } = {},
) {
  return new QueryClient({
    queryCache: new QueryCache({ onError: opts.onQueryError }),
    mutationCache: new MutationCache({ onError: opts.onMutationError }),
    defaultOptions: {
      queries: {
        // Data prefetched on the server is fresh on arrival; polling screens set their own refetchInterval.
        staleTime: 5_000,
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
      },
      dehydrate: {
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}

/** 4xx from tRPC: retrying will not help, the person has to act. */
function isClientError(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}
