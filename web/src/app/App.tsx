import { useEffect } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router-dom';
import { ToastProvider } from '@/components/ui/Toast';
import { isApiError } from '@/lib/errors';
import { session } from '@/lib/session';
import { router } from './router';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      // 4xx answers are final; retry only network trouble and 5xx, twice.
      retry: (count, err) =>
        count < 2 && !(isApiError(err) && err.status >= 400 && err.status < 500),
      refetchOnWindowFocus: false,
    },
    mutations: { retry: false },
  },
});

/** On load, the HttpOnly refresh cookie (if sign-in left one) buys a new access token silently. */
function useSessionBoot() {
  useEffect(() => {
    if (session.getSnapshot().ready) return;
    if (session.mayResume()) void session.refresh();
    else session.markReady();
  }, []);
}

export function App() {
  useSessionBoot();
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  );
}
