import { Button } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession, useSignIn } from '../session.tsx';
import { Alert, PageTitle, TextField } from '../ui.tsx';
import { AuthFrame } from './Shell.tsx';

export function SignIn() {
  const { t } = useI18n();
  const session = useSession();
  const signIn = useSignIn();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (session.data) return <Navigate to={from} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password });
  };
  const err = signIn.error;
  const message =
    err instanceof ApiError && err.status === 429
      ? t('signIn.rateLimited')
      : err instanceof ApiError && err.status === 401
        ? t('signIn.failed')
        : err instanceof ApiError && err.problem.field
          ? undefined
          : err?.message;
  const fieldErrors = err instanceof ApiError ? err.fieldErrors() : {};

  return (
    <AuthFrame>
      <PageTitle title={t('signIn.title')}>{t('signIn.title')}</PageTitle>
      <form onSubmit={submit} noValidate>
        {message && <Alert>{message}</Alert>}
        <TextField
          label={t('signIn.email')}
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldErrors.email}
        />
        <TextField
          label={t('signIn.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fieldErrors.password}
        />
        <Button type="submit" disabled={signIn.isPending}>
          {t('signIn.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
