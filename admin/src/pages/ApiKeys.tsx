import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type ApiKey, del, get, PERMISSIONS, type Permission, post } from '../api.ts';
import { useI18n } from '../i18n.tsx';
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
          <fieldset
            className={errors.fields.scopes ? 'field-invalid' : undefined}
            aria-describedby={errors.fields.scopes ? 'scopes-error' : undefined}
          >
            <legend>{t('keys.scopes')}</legend>
            <div className="checks">
              {PERMISSIONS.map((p) => (
                <label key={p} className="check">
                  <input type="checkbox" checked={scopes.includes(p)} onChange={() => toggle(p)} />{' '}
                  <code>{p}</code>
                </label>
              ))}
            </div>
            {errors.fields.scopes && (
              <p className="field-error" id="scopes-error">
                {errors.fields.scopes}
              </p>
            )}
          </fieldset>
          <button type="submit" className="primary" disabled={create.isPending}>
            {t('keys.create')}
          </button>
        </form>
      </section>
      <h2>{t('keys.list')}</h2>
      {revoke.error && <QueryError error={revoke.error} />}
      {keys.isPending && <p>{t('common.loading')}</p>}
      {keys.error && <QueryError error={keys.error} />}
      {keys.data?.items.length === 0 && <p>{t('keys.none')}</p>}
      {keys.data && keys.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('keys.name')}</th>
              <th scope="col">{t('keys.prefix')}</th>
              <th scope="col">{t('keys.scopes')}</th>
              <th scope="col">{t('keys.created')}</th>
              <th scope="col">{t('keys.lastUsed')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((k) => (
              <tr key={k.id} className={k.revokedAt ? 'muted' : undefined}>
                <th scope="row">{k.name}</th>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.scopes.join(', ')}</td>
                <td>{formatDate(k.createdAt)}</td>
                <td>{k.lastUsedAt ? formatDate(k.lastUsedAt) : t('common.never')}</td>
                <td>
                  {k.revokedAt ? (
                    t('keys.revoked')
                  ) : (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        if (window.confirm(t('keys.revokeConfirm', { name: k.name }))) revoke.mutate(k.id);
                      }}
                    >
                      {t('keys.revoke')}
                      <span className="visually-hidden"> {k.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
