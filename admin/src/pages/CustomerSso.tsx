import { Button, Checkbox, Code, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { get, put } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { Alert, QueryError, TextField, useFormErrors, useNotify } from '../ui.tsx';

/** GET/PUT /api/v1/customer-auth/oidc: the client secret is write-only (`hasSecret`). */
interface SsoSettings {
  enabled: boolean;
  issuer: string;
  clientId: string;
  hasSecret: boolean;
  label: { fr: string; en: string };
  scopes: string[];
  redirectUri: string;
}

const KEY = ['customer-auth', 'oidc'] as const;
const FIELDS = ['enabled', 'issuer', 'clientId', 'clientSecret', 'label', 'scopes'] as const;

/** Admins connect the company's OpenID Connect provider: customers then sign in with it on the portal. */
export function CustomerSso() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const errors = useFormErrors();
  const settings = useQuery({ queryKey: KEY, queryFn: () => get<SsoSettings>('/customer-auth/oidc') });
  const [form, setForm] = useState({
    enabled: false,
    issuer: '',
    clientId: '',
    labelFr: '',
    labelEn: '',
    scopes: '',
  });
  const [secret, setSecret] = useState('');
  useEffect(() => {
    const s = settings.data;
    if (s)
      setForm({
        enabled: s.enabled,
        issuer: s.issuer,
        clientId: s.clientId,
        labelFr: s.label.fr,
        labelEn: s.label.en,
        scopes: s.scopes.join(' '),
      });
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      put<SsoSettings>('/customer-auth/oidc', {
        enabled: form.enabled,
        issuer: form.issuer.trim(),
        clientId: form.clientId.trim(),
        ...(secret ? { clientSecret: secret } : {}),
        label: { fr: form.labelFr, en: form.labelEn },
        scopes: form.scopes.split(/\s+/).filter(Boolean),
      }),
    onSuccess: (saved) => {
      qc.setQueryData(KEY, saved);
      setSecret('');
      notify.success(t('sso.saved'));
    },
    onError: (err) => errors.take(err, FIELDS),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    save.mutate();
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <section aria-labelledby="sso-title" className="panel">
      <h2 id="sso-title">{t('sso.title')}</h2>
      <Text size="sm" mb="sm">
        {t('sso.intro')}
      </Text>
      {settings.error && <QueryError error={settings.error} />}
      {settings.data && (
        <Text size="sm" mb="sm">
          {t('sso.redirectUri')} <Code>{settings.data.redirectUri}</Code>
        </Text>
      )}
      <form onSubmit={submit} noValidate>
        {errors.general && <Alert>{errors.general}</Alert>}
        <Checkbox
          mb="sm"
          label={t('sso.enabled')}
          checked={form.enabled}
          onChange={(e) => setForm((f) => ({ ...f, enabled: e.currentTarget.checked }))}
        />
        <TextField
          label={t('sso.issuer')}
          hint={t('sso.issuerHint')}
          name="issuer"
          type="url"
          value={form.issuer}
          onChange={set('issuer')}
          error={errors.fields.issuer}
        />
        <TextField
          label={t('sso.clientId')}
          name="clientId"
          value={form.clientId}
          onChange={set('clientId')}
          error={errors.fields.clientId}
        />
        <TextField
          label={t('sso.clientSecret')}
          hint={settings.data?.hasSecret ? t('sso.secretKept') : t('sso.secretNone')}
          name="clientSecret"
          type="password"
          autoComplete="new-password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          error={errors.fields.clientSecret}
        />
        <TextField
          label={t('sso.labelFr')}
          name="labelFr"
          lang="fr"
          value={form.labelFr}
          onChange={set('labelFr')}
          error={errors.fields.label}
        />
        <TextField
          label={t('sso.labelEn')}
          name="labelEn"
          lang="en"
          value={form.labelEn}
          onChange={set('labelEn')}
        />
        <TextField
          label={t('sso.scopes')}
          hint={t('sso.scopesHint')}
          name="scopes"
          value={form.scopes}
          onChange={set('scopes')}
          error={errors.fields.scopes}
        />
        <Button type="submit" disabled={save.isPending || !settings.data}>
          {t('sso.save')}
        </Button>
      </form>
    </section>
  );
}
