import { Button, Checkbox, Group } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { get, put, ROLES, type Role } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { Alert, QueryError, useFormErrors, useNotify } from '../ui.tsx';

const POLICY = ['security', 'two-factor'] as const;

/** Admins choose the roles that must use two-factor authentication (all of them: everyone). */
export function TwoFactorPolicy() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const errors = useFormErrors();
  const policy = useQuery({
    queryKey: POLICY,
    queryFn: () => get<{ requiredRoles: Role[] }>('/security/two-factor'),
  });
  const [roles, setRoles] = useState<Role[]>([]);
  useEffect(() => {
    if (policy.data) setRoles(policy.data.requiredRoles);
  }, [policy.data]);
  const save = useMutation({
    mutationFn: () => put<{ requiredRoles: Role[] }>('/security/two-factor', { requiredRoles: roles }),
    onSuccess: (saved) => {
      qc.setQueryData(POLICY, saved);
      notify.success(t('policy.saved'));
    },
    onError: (err) => errors.take(err, []),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    save.mutate();
  };
  return (
    <section aria-labelledby="policy-title" className="panel">
      <h2 id="policy-title">{t('policy.title')}</h2>
      {policy.error && <QueryError error={policy.error} />}
      <form onSubmit={submit} noValidate>
        {errors.general && <Alert>{errors.general}</Alert>}
        <Checkbox.Group
          label={t('policy.roles')}
          description={t('policy.hint')}
          value={roles}
          onChange={(v) => setRoles(v as Role[])}
        >
          <Group mt="xs" mb="sm">
            {ROLES.map((r) => (
              <Checkbox key={r} value={r} label={t(`role.${r}`)} />
            ))}
          </Group>
        </Checkbox.Group>
        <Button type="submit" disabled={save.isPending || !policy.data}>
          {t('policy.save')}
        </Button>
      </form>
    </section>
  );
}
