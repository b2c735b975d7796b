import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, type Me, type Permission, post, setCsrfToken, type TwoFactorPending } from './api.ts';

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

/** First step: e-mail and password; answers the session, or that a code is needed next. */
export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      post<Me | TwoFactorPending>('/auth/login', body),
    onSuccess: (res) => {
      if ('twoFactorRequired' in res) return;
      setCsrfToken(res.csrfToken);
      qc.clear();
      qc.setQueryData(ME_KEY, res);
    },
  });
}

/** Second step: a code from the authenticator app or a recovery code (the pending state is a cookie). */
export function useSecondStep() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string } | { recoveryCode: string }) => post<Me>('/auth/two-factor', body),
    onSuccess: (me) => {
      setCsrfToken(me.csrfToken);
      // Keep the session query itself: the sign-in page watching it must see the new value.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
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
