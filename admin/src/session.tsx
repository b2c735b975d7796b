import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, type Me, type Permission, post, setCsrfToken } from './api.ts';

const ME_KEY = ['me'] as const;

/** The signed-in staff member, or null when signed out. */
export function useSession() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await get<Me>('/auth/me');
        setCsrfToken(me.csrfToken);
        return me;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return null;
        throw err;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export function useCan() {
  const { data } = useSession();
  return (permission: Permission) => Boolean(data?.permissions.includes(permission));
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => post<Me>('/auth/login', body),
    onSuccess: (me) => {
      setCsrfToken(me.csrfToken);
      qc.clear();
      qc.setQueryData(ME_KEY, me);
    },
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => post<void>('/auth/logout'),
    onSettled: () => {
      setCsrfToken(undefined);
      qc.clear();
      qc.setQueryData(ME_KEY, null);
    },
  });
}
