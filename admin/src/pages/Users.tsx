import { Badge, Button, Group, NativeSelect } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, get, patch, post, ROLES, type Role, type StaffUser } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { DataTable } from '../table.tsx';
import {
  Alert,
  PageTitle,
  QueryError,
  Secret,
  SelectField,
  TextField,
  useFormErrors,
  useNotify,
} from '../ui.tsx';
import { TwoFactorPolicy } from './TwoFactorPolicy.tsx';

const USERS = ['users'] as const;

function InviteForm() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const empty = { email: '', name: '', role: 'editor' as Role };
  const [form, setForm] = useState(empty);
  const [invited, setInvited] = useState<{ name: string; url: string } | null>(null);
  const errors = useFormErrors();
  const invite = useMutation({
    mutationFn: (body: typeof form) => post<{ user: StaffUser; inviteUrl?: string }>('/users', body),
    onSuccess: (res) => {
      qc.setQueryData<{ items: StaffUser[] }>(USERS, (old) => old && { items: [...old.items, res.user] });
      setInvited({ name: res.user.name, url: res.inviteUrl ?? '' });
      setForm(empty);
    },
    onError: (err) => errors.take(err, ['email', 'name', 'role']),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    setInvited(null);
    invite.mutate(form);
  };
  return (
    <section aria-labelledby="invite-title" className="panel">
      <h2 id="invite-title">{t('users.invite')}</h2>
      {invited && (
        <Alert kind="success">
          <Secret label={t('users.inviteLink', { name: invited.name })} value={invited.url} />
        </Alert>
      )}
      <form onSubmit={submit} noValidate className="inline-form">
        {errors.general && <Alert>{errors.general}</Alert>}
        <TextField
          label={t('users.name')}
          name="name"
          required
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
          error={errors.fields.name}
        />
        <TextField
          label={t('users.email')}
          name="email"
          type="email"
          required
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
          error={errors.fields.email}
        />
        <SelectField
          label={t('users.role')}
          name="role"
          value={form.role}
          onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          error={errors.fields.role}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </SelectField>
        <Button type="submit" disabled={invite.isPending}>
          {t('users.inviteSubmit')}
        </Button>
      </form>
    </section>
  );
}

export function Users() {
  const { t, formatDate } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const me = useSession().data;
  const users = useQuery({ queryKey: USERS, queryFn: () => get<{ items: StaffUser[] }>('/users') });
  const [rowError, setRowError] = useState<string | undefined>();

  // Optimistic: the row changes at once and rolls back if the server refuses (e.g. the last admin).
  const change = useMutation({
    mutationFn: ({ id, ...body }: { id: string; role?: Role; active?: boolean }) =>
      patch<StaffUser>(`/users/${id}`, body),
    onMutate: async ({ id, ...body }) => {
      setRowError(undefined);
      await qc.cancelQueries({ queryKey: USERS });
      const before = qc.getQueryData<{ items: StaffUser[] }>(USERS);
      qc.setQueryData<{ items: StaffUser[] }>(
        USERS,
        (old) => old && { items: old.items.map((u) => (u.id === id ? { ...u, ...body } : u)) },
      );
      return { before };
    },
    onError: (err, _vars, ctx) => {
      if (ctx?.before) qc.setQueryData(USERS, ctx.before);
      setRowError(err instanceof ApiError ? err.problem.detail : String(err));
    },
    onSuccess: (user) => notify.success(t('users.updated', { name: user.name })),
    onSettled: () => qc.invalidateQueries({ queryKey: USERS }),
  });
  const endSessions = useMutation({
    mutationFn: (u: StaffUser) => post<{ revoked: number }>(`/users/${u.id}/sessions/revoke`),
    onSuccess: (res, u) => notify.success(t('users.sessionsEnded', { name: u.name, n: res.revoked })),
    onError: (err) => notify.error(err.message),
  });

  return (
    <section>
      <PageTitle title={t('users.title')}>{t('users.title')}</PageTitle>
      <InviteForm />
      <TwoFactorPolicy />
      <h2>{t('users.list')}</h2>
      {rowError && <Alert>{rowError}</Alert>}
      {users.isPending && <p>{t('common.loading')}</p>}
      {users.error && <QueryError error={users.error} />}
      {users.data && (
        <DataTable
          label={t('users.list')}
          rows={users.data.items}
          rowKey={(u) => u.id}
          filterable
          columns={[
            {
              key: 'name',
              header: t('users.name'),
              rowHeader: true,
              sortValue: (u) => u.name,
              render: (u) => u.name,
            },
            { key: 'email', header: t('users.email'), sortValue: (u) => u.email, render: (u) => u.email },
            {
              key: 'role',
              header: t('users.role'),
              sortValue: (u) => t(`role.${u.role}`),
              render: (u) => (
                <NativeSelect
                  size="xs"
                  aria-label={t('users.roleOf', { name: u.name })}
                  value={u.role}
                  disabled={u.id === me?.user.id}
                  onChange={(e) => change.mutate({ id: u.id, role: e.currentTarget.value as Role })}
                  data={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
                />
              ),
            },
            {
              key: 'status',
              header: t('users.status'),
              sortValue: (u) => (u.active ? 0 : 1),
              render: (u) => (
                <Badge variant="light" color={u.active ? 'green' : 'gray'}>
                  {u.active ? t('users.active') : t('users.inactive')}
                </Badge>
              ),
            },
            {
              key: 'lastLogin',
              header: t('users.lastLogin'),
              hideOnPhone: true,
              sortValue: (u) => u.lastLoginAt,
              render: (u) => (u.lastLoginAt ? formatDate(u.lastLoginAt) : t('common.never')),
            },
            {
              key: 'twoFactor',
              header: t('users.twoFactor'),
              hideOnPhone: true,
              sortValue: (u) => (u.twoFactorEnabled ? 0 : 1),
              render: (u) => (u.twoFactorEnabled ? t('security.on') : t('security.off')),
            },
            {
              key: 'actions',
              header: t('common.actions'),
              render: (u) =>
                u.id !== me?.user.id && (
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      variant="default"
                      size="xs"
                      type="button"
                      onClick={() => change.mutate({ id: u.id, active: !u.active })}
                    >
                      {u.active ? t('users.deactivate') : t('users.reactivate')}
                      <span className="visually-hidden"> {u.name}</span>
                    </Button>
                    <Button variant="default" size="xs" type="button" onClick={() => endSessions.mutate(u)}>
                      {t('users.endSessions')}
                      <span className="visually-hidden"> {u.name}</span>
                    </Button>
                  </Group>
                ),
            },
          ]}
        />
      )}
    </section>
  );
}
