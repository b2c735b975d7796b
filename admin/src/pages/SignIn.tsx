import { Anchor, Button } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api.ts';
import { type Translate, useI18n } from '../i18n.tsx';
import { useSecondStep, useSession, useSignIn } from '../session.tsx';
import { Alert, PageTitle, TextField } from '../ui.tsx';
import { AuthFrame } from './Shell.tsx';

function messageOf(err: unknown, t: Translate, failed: string): string | undefined {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : undefined;
  if (err.problem.code === 'too-many-attempts') return t('signIn.tooManyAttempts');
  if (err.status === 429) return t('signIn.rateLimited');
  if (err.status === 401) return failed;
  return err.problem.field ? undefined : err.message;
}

/** The second step: a code from the app, or a recovery code (five tries, a few minutes). */
function SecondStep({ onRestart, onSignedIn }: { onRestart: () => void; onSignedIn: () => void }) {
  const { t } = useI18n();
  const step = useSecondStep();
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    step.mutate(recovery ? { recoveryCode: value.trim() } : { code: value.replace(/\s/g, '') }, {
      onSuccess: onSignedIn,
    });
  };
  const err = step.error;
  const expired =
    err instanceof ApiError && err.status === 401 && /expired|No sign-in/.test(err.problem.detail);
  const message = expired ? t('signIn.twoFactor.expired') : messageOf(err, t, t('signIn.twoFactor.wrong'));
  const fieldErrors = err instanceof ApiError ? err.fieldErrors() : {};
  return (
    <>
      <PageTitle title={t('signIn.twoFactor.title')}>{t('signIn.twoFactor.title')}</PageTitle>
      <p>{recovery ? t('signIn.twoFactor.recoveryHint') : t('signIn.twoFactor.hint')}</p>
      <form onSubmit={submit} noValidate>
        {message && <Alert>{message}</Alert>}
        <TextField
          key={recovery ? 'recovery' : 'code'}
          label={recovery ? t('signIn.twoFactor.recoveryCode') : t('signIn.twoFactor.code')}
          name={recovery ? 'recoveryCode' : 'code'}
          autoComplete="one-time-code"
          inputMode={recovery ? 'text' : 'numeric'}
          required
          autoFocus
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={fieldErrors.code ?? fieldErrors.recoveryCode}
        />
        <Button type="submit" disabled={step.isPending}>
          {t('signIn.twoFactor.submit')}
        </Button>
      </form>
      <p>
        <Anchor
          component="button"
          type="button"
          onClick={() => {
            setRecovery(!recovery);
            setValue('');
            step.reset();
          }}
        >
          {recovery ? t('signIn.twoFactor.useApp') : t('signIn.twoFactor.useRecovery')}
        </Anchor>
        {expired && (
          <>
            {' · '}
            <Anchor component="button" type="button" onClick={onRestart}>
              {t('signIn.twoFactor.restart')}
            </Anchor>
          </>
        )}
      </p>
    </>
  );
}

export function SignIn() {
  const { t } = useI18n();
  const session = useSession();
  const signIn = useSignIn();
  const location = useLocation();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (session.data) {
    return <Navigate to={session.data.twoFactorSetupRequired ? '/account/security' : from} replace />;
  }
  if (signIn.data && 'twoFactorRequired' in signIn.data) {
    return (
      <AuthFrame>
        <SecondStep
          onSignedIn={() => navigate(from, { replace: true })}
          onRestart={() => {
            signIn.reset();
            setPassword('');
          }}
        />
      </AuthFrame>
    );
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email, password });
  };
  const err = signIn.error;
  const message = messageOf(err, t, t('signIn.failed'));
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
