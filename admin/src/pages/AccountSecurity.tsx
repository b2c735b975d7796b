import { Badge, Button, Group, Image, List } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { del, get, post, type StaffSession, type TwoFactorEnrolment, type TwoFactorStatus } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { DataTable } from '../table.tsx';
import { Alert, PageTitle, QueryError, Secret, TextField, useFormErrors, useNotify } from '../ui.tsx';

const STATUS = ['account', 'two-factor'] as const;
const SESSIONS = ['account', 'sessions'] as const;

/** Recovery codes, shown once after they are issued. */
function RecoveryCodes({ codes }: { codes: string[] }) {
  const { t } = useI18n();
  return (
    <Alert kind="success">
      <p>{t('security.recovery.shownOnce')}</p>
      <List className="recovery-codes" ff="monospace">
        {codes.map((c) => (
          <List.Item key={c}>{c}</List.Item>
        ))}
      </List>
      <Secret label={t('security.recovery.copy')} value={codes.join(' ')} />
    </Alert>
  );
}

function Enrolment({ onDone }: { onDone: (codes: string[]) => void }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const errors = useFormErrors();
  const [offer, setOffer] = useState<TwoFactorEnrolment | null>(null);
  const [code, setCode] = useState('');
  const start = useMutation({
    mutationFn: () => post<TwoFactorEnrolment>('/account/two-factor/setup'),
    onSuccess: setOffer,
    onError: (err) => errors.take(err, []),
  });
  const confirm = useMutation({
    mutationFn: () => post<{ recoveryCodes: string[] }>('/account/two-factor/confirm', { code }),
    onSuccess: (res) => {
      setOffer(null);
      setCode('');
      onDone(res.recoveryCodes);
      qc.invalidateQueries({ queryKey: STATUS });
      // The session may have been limited to this page until now.
      qc.invalidateQueries({ queryKey: ['me'] });
    },
    onError: (err) => errors.take(err, ['code']),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    confirm.mutate();
  };
  if (!offer) {
    return (
      <>
        {errors.general && <Alert>{errors.general}</Alert>}
        <Button type="button" onClick={() => start.mutate()} disabled={start.isPending}>
          {t('security.enrol.start')}
        </Button>
      </>
    );
  }
  return (
    <form onSubmit={submit} noValidate>
      <p>{t('security.enrol.scan')}</p>
      <Image src={offer.qrCode} alt={t('security.enrol.qrAlt')} w={200} h={200} fit="contain" />
      <Secret label={t('security.enrol.secret')} value={offer.secret} />
      {errors.general && <Alert>{errors.general}</Alert>}
      <TextField
        label={t('security.enrol.code')}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        value={code}
        onChange={(e) => setCode(e.target.value.replace(/\s/g, ''))}
        error={errors.fields.code}
      />
      <Button type="submit" disabled={confirm.isPending}>
        {t('security.enrol.confirm')}
      </Button>
    </form>
  );
}

function Disable() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const errors = useFormErrors();
  const [password, setPassword] = useState('');
  const disable = useMutation({
    mutationFn: () => post<void>('/account/two-factor/disable', { password }),
    onSuccess: () => {
      setPassword('');
      notify.success(t('security.disable.done'));
      qc.invalidateQueries({ queryKey: STATUS });
    },
    onError: (err) => errors.take(err, ['password']),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    disable.mutate();
  };
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      {errors.general && <Alert>{errors.general}</Alert>}
      <TextField
        label={t('security.disable.password')}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fields.password}
      />
      <Button type="submit" variant="default" disabled={disable.isPending}>
        {t('security.disable.submit')}
      </Button>
    </form>
  );
}

function TwoFactor() {
  const { t, formatDate } = useI18n();
  const status = useQuery({ queryKey: STATUS, queryFn: () => get<TwoFactorStatus>('/account/two-factor') });
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <section aria-labelledby="two-factor-title" className="panel">
      <h2 id="two-factor-title">{t('security.twoFactor')}</h2>
      {status.error && <QueryError error={status.error} />}
      {codes && <RecoveryCodes codes={codes} />}
      {status.data && (
        <>
          <Group gap="xs" mb="sm">
            <Badge variant="light" color={status.data.enabled ? 'green' : 'gray'}>
              {status.data.enabled ? t('security.on') : t('security.off')}
            </Badge>
            {status.data.required && <Badge variant="light">{t('security.requiredBadge')}</Badge>}
          </Group>
          {status.data.enabled ? (
            <>
              <p>
                {t('security.enabledSince', { date: formatDate(status.data.enabledAt ?? '') })}{' '}
                {t('security.recovery.left', { n: status.data.recoveryCodesLeft })}
              </p>
              {status.data.required ? <p>{t('security.disable.required')}</p> : <Disable />}
            </>
          ) : (
            <>
              <p>{status.data.required ? t('security.enrol.required') : t('security.enrol.intro')}</p>
              <Enrolment onDone={setCodes} />
            </>
          )}
        </>
      )}
    </section>
  );
}

function Sessions() {
  const { t, formatDate } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const sessions = useQuery({
    queryKey: SESSIONS,
    queryFn: () => get<{ items: StaffSession[] }>('/account/sessions'),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => del<void>(`/account/sessions/${id}`),
    onSuccess: () => notify.success(t('security.sessions.revoked')),
    onError: (err) => notify.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: SESSIONS }),
  });
  const revokeOthers = useMutation({
    mutationFn: () => post<{ revoked: number }>('/account/sessions/revoke-others'),
    onSuccess: (res) => notify.success(t('security.sessions.othersRevoked', { n: res.revoked })),
    onError: (err) => notify.error(err.message),
    onSettled: () => qc.invalidateQueries({ queryKey: SESSIONS }),
  });
  return (
    <section aria-labelledby="sessions-title" className="panel">
      <h2 id="sessions-title">{t('security.sessions')}</h2>
      {sessions.error && <QueryError error={sessions.error} />}
      {sessions.data && (
        <>
          <DataTable
            label={t('security.sessions')}
            rows={sessions.data.items}
            rowKey={(s) => s.id}
            columns={[
              {
                key: 'device',
                header: t('security.sessions.device'),
                rowHeader: true,
                render: (s) => (
                  <>
                    {s.userAgent ?? t('security.sessions.unknown')}
                    {s.current && (
                      <Badge variant="light" ml="xs">
                        {t('security.sessions.current')}
                      </Badge>
                    )}
                  </>
                ),
              },
              {
                key: 'network',
                header: t('security.sessions.network'),
                hideOnPhone: true,
                render: (s) => s.network ?? '—',
              },
              {
                key: 'created',
                header: t('security.sessions.created'),
                hideOnPhone: true,
                render: (s) => formatDate(s.createdAt),
              },
              {
                key: 'used',
                header: t('security.sessions.lastUsed'),
                render: (s) => formatDate(s.lastUsedAt),
              },
              {
                key: 'actions',
                header: t('common.actions'),
                render: (s) =>
                  !s.current && (
                    <Button variant="default" size="xs" type="button" onClick={() => revoke.mutate(s.id)}>
                      {t('security.sessions.revoke')}
                      <span className="visually-hidden"> {s.userAgent ?? ''}</span>
                    </Button>
                  ),
              },
            ]}
          />
          {sessions.data.items.length > 1 && (
            <Button
              type="button"
              variant="default"
              mt="sm"
              onClick={() => revokeOthers.mutate()}
              disabled={revokeOthers.isPending}
            >
              {t('security.sessions.revokeOthers')}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

/** « Sécurité du compte »: two-factor authentication and open sessions of the signed-in member. */
export function AccountSecurity() {
  const { t } = useI18n();
  return (
    <section>
      <PageTitle title={t('security.title')}>{t('security.title')}</PageTitle>
      <TwoFactor />
      <Sessions />
    </section>
  );
}
