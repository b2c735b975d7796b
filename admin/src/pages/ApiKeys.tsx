import { Badge, Button, Checkbox, Code, Fieldset, Group, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type ApiKey, del, get, PERMISSIONS, type Permission, post } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { DataTable } from '../table.tsx';
import { Alert, PageTitle, QueryError, Secret, TextField, useFormErrors } from '../ui.tsx';

const KEYS = ['api-keys'] as const;

export function ApiKeys() {
  const { t, formatDate } = useI18n();
  const qc = useQueryClient();
  const keys = useQuery({ queryKey: KEYS, queryFn: () => get<{ items: ApiKey[] }>('/api-keys') });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Permission[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const errors = useFormErrors();

  const create = useMutation({
    mutationFn: () => post<ApiKey & { key: string }>('/api-keys', { name, scopes }),
    onSuccess: ({ key, ...row }) => {
      setSecret(key);
      setName('');
      setScopes([]);
      qc.setQueryData<{ items: ApiKey[] }>(KEYS, (old) => old && { items: [row, ...old.items] });
    },
    onError: (err) => errors.take(err, ['name', 'scopes']),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => del<ApiKey>(`/api-keys/${id}`),
    onSuccess: (row) =>
      qc.setQueryData<{ items: ApiKey[] }>(
        KEYS,
        (old) => old && { items: old.items.map((k) => (k.id === row.id ? row : k)) },
      ),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    setSecret(null);
    create.mutate();
  };
  const toggle = (p: Permission) => setScopes((s) => (s.includes(p) ? s.filter((x) => x !== p) : [...s, p]));

  return (
    <section>
      <PageTitle title={t('keys.title')}>{t('keys.title')}</PageTitle>
      <section className="panel" aria-labelledby="create-key">
        <h2 id="create-key">{t('keys.create')}</h2>
        {secret && (
          <Alert kind="success">
            <Secret label={t('keys.secret')} value={secret} />
          </Alert>
        )}
        <form onSubmit={submit} noValidate>
          {errors.general && <Alert>{errors.general}</Alert>}
          <TextField
            label={t('keys.name')}
            name="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.fields.name}
          />
          <Fieldset
            legend={t('keys.scopes')}
            mb="sm"
            aria-describedby={errors.fields.scopes ? 'scopes-error' : undefined}
          >
            <div className="checks">
              {PERMISSIONS.map((p) => (
                <Checkbox
                  key={p}
                  checked={scopes.includes(p)}
                  onChange={() => toggle(p)}
                  label={<Code>{p}</Code>}
                />
              ))}
            </div>
            {errors.fields.scopes && (
              <Text c="red.9" size="sm" mt="xs" className="field-error" id="scopes-error">
                {errors.fields.scopes}
              </Text>
            )}
          </Fieldset>
          <Button type="submit" disabled={create.isPending}>
            {t('keys.create')}
          </Button>
        </form>
      </section>
      <h2>{t('keys.list')}</h2>
      {revoke.error && <QueryError error={revoke.error} />}
      {keys.isPending && <p>{t('common.loading')}</p>}
      {keys.error && <QueryError error={keys.error} />}
      {keys.data?.items.length === 0 && <p>{t('keys.none')}</p>}
      {keys.data && keys.data.items.length > 0 && (
        <DataTable
          label={t('keys.list')}
          rows={keys.data.items}
          rowKey={(k) => k.id}
          columns={[
            {
              key: 'name',
              header: t('keys.name'),
              rowHeader: true,
              sortValue: (k) => k.name,
              render: (k) => k.name,
            },
            {
              key: 'prefix',
              header: t('keys.prefix'),
              hideOnPhone: true,
              render: (k) => <Code>{k.prefix}…</Code>,
            },
            {
              key: 'scopes',
              header: t('keys.scopes'),
              filterValue: (k) => k.scopes.join(' '),
              render: (k) => (
                <Group gap={4}>
                  {k.scopes.map((p) => (
                    <Badge key={p} variant="light" color="gray" tt="none">
                      {p}
                    </Badge>
                  ))}
                </Group>
              ),
            },
            {
              key: 'created',
              header: t('keys.created'),
              hideOnPhone: true,
              sortValue: (k) => k.createdAt,
              render: (k) => formatDate(k.createdAt),
            },
            {
              key: 'lastUsed',
              header: t('keys.lastUsed'),
              hideOnPhone: true,
              sortValue: (k) => k.lastUsedAt,
              render: (k) => (k.lastUsedAt ? formatDate(k.lastUsedAt) : t('common.never')),
            },
            {
              key: 'actions',
              header: t('common.actions'),
              render: (k) =>
                k.revokedAt ? (
                  <Badge variant="light" color="gray">
                    {t('keys.revoked')}
                  </Badge>
                ) : (
                  <Button
                    type="button"
                    size="xs"
                    color="red"
                    variant="light"
                    onClick={() => {
                      if (window.confirm(t('keys.revokeConfirm', { name: k.name }))) revoke.mutate(k.id);
                    }}
                  >
                    {t('keys.revoke')}
                    <span className="visually-hidden"> {k.name}</span>
                  </Button>
                ),
            },
          ]}
        />
      )}
    </section>
  );
}
