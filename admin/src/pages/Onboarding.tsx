import { Button } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { post } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { Alert, PageTitle, TextField, useFormErrors } from '../ui.tsx';
import { AuthFrame } from './Shell.tsx';

/** The token travels in the URL fragment, so it never reaches a server log or a Referer header. */
function tokenFromHash(): string {
  return decodeURIComponent(window.location.hash.slice(1));
}

/** First run: `/admin/setup#<token>` creates the first admin. */
export function Setup() {
  const { t } = useI18n();
  const [token] = useState(tokenFromHash);
  const [form, setForm] = useState({ email: '', name: '', password: '' });
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    setBusy(true);
    try {
      await post('/setup', { token, ...form });
      history.replaceState(null, '', window.location.pathname);
      setDone(true);
    } catch (err) {
      errors.take(err, ['email', 'name', 'password']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame>
      <PageTitle title={t('setup.title')}>{t('setup.title')}</PageTitle>
      {!token && <Alert>{t('setup.noToken')}</Alert>}
      {done ? (
        <Alert kind="success">
          {t('setup.done')} <Link to="/sign-in">{t('signIn.submit')}</Link>
        </Alert>
      ) : (
        token && (
          <form onSubmit={submit} noValidate>
            {errors.general && <Alert>{errors.general}</Alert>}
            <TextField
              label={t('setup.name')}
              name="name"
              required
              autoComplete="name"
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              error={errors.fields.name}
            />
            <TextField
              label={t('signIn.email')}
              name="email"
              type="email"
              required
              autoComplete="username"
              value={form.email}
              onChange={(e) => setForm({ ...form, email: e.target.value })}
              error={errors.fields.email}
            />
            <TextField
              label={t('signIn.password')}
              name="password"
              type="password"
              required
              autoComplete="new-password"
              hint={t('password.hint')}
              value={form.password}
              onChange={(e) => setForm({ ...form, password: e.target.value })}
              error={errors.fields.password}
            />
            <Button type="submit" disabled={busy}>
              {t('setup.submit')}
            </Button>
          </form>
        )
      )}
    </AuthFrame>
  );
}

/** `/admin/accept-invite#<token>`: an invited member chooses a password. */
export function AcceptInvite() {
  const { t } = useI18n();
  const [token] = useState(tokenFromHash);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const errors = useFormErrors();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    setBusy(true);
    try {
      await post('/auth/accept-invite', { token, password });
      history.replaceState(null, '', window.location.pathname);
      setDone(true);
    } catch (err) {
      errors.take(err, ['password']);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame>
      <PageTitle title={t('invite.title')}>{t('invite.title')}</PageTitle>
      {!token && <Alert>{t('invite.noToken')}</Alert>}
      {done ? (
        <Alert kind="success">
          {t('invite.done')} <Link to="/sign-in">{t('signIn.submit')}</Link>
        </Alert>
      ) : (
        token && (
          <form onSubmit={submit} noValidate>
            {errors.general && <Alert>{errors.general}</Alert>}
            <TextField
              label={t('signIn.password')}
              name="password"
              type="password"
              required
              autoComplete="new-password"
              hint={t('password.hint')}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={errors.fields.password}
            />
            <Button type="submit" disabled={busy}>
              {t('invite.submit')}
            </Button>
          </form>
        )
      )}
    </AuthFrame>
  );
}
