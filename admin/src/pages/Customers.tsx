import { Badge, Button, Group } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { get, patch, post } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useCan } from '../session.tsx';
import { DataTable } from '../table.tsx';
import { Alert, PageTitle, QueryError, TextField, useFormErrors, useNotify } from '../ui.tsx';
import { CustomerSso } from './CustomerSso.tsx';

/** A customer account as the staff API returns it (GET /api/v1/customers). */
interface Customer {
  id: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  locale: string | null;
  externalId: string | null;
  segments: string[];
  consents: Record<string, { granted: boolean; at: string }>;
  createdAt: string;
  lastSeenAt: string | null;
}
interface Profile extends Customer {
  tickets: Array<{ id: string; reference: string; subject: string; status: string; updatedAt: string }>;
}

/** The customer directory: search on the server (e-mail, name, external id), sort and page here. */
export function Customers() {
  const { t, formatDate } = useI18n();
  const can = useCan();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const list = useQuery({
    queryKey: ['customers', search],
    queryFn: () =>
      get<{ items: Customer[]; total: number }>(
        `/customers?limit=200${search ? `&q=${encodeURIComponent(search)}` : ''}`,
      ),
  });
  return (
    <section>
      <PageTitle title={t('customers.title')}>{t('customers.title')}</PageTitle>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setSearch(q.trim());
        }}
      >
        <Group align="flex-end">
          <TextField
            label={t('customers.search')}
            name="q"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <Button type="submit" mb="sm">
            {t('customers.searchButton')}
          </Button>
        </Group>
      </form>
      {list.isPending && <p>{t('common.loading')}</p>}
      {list.error && <QueryError error={list.error} />}
      {list.data?.items.length === 0 && <p>{t('customers.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <DataTable
          label={t('customers.title')}
          rows={list.data.items}
          rowKey={(c) => c.id}
          columns={[
            {
              key: 'email',
              header: t('customers.email'),
              rowHeader: true,
              sortValue: (c) => c.email ?? c.externalId ?? '',
              render: (c) => <Link to={`/customers/${c.id}`}>{c.email ?? c.externalId ?? c.id}</Link>,
            },
            {
              key: 'name',
              header: t('customers.name'),
              sortValue: (c) => c.name ?? '',
              render: (c) => c.name ?? '—',
            },
            {
              key: 'segments',
              header: t('customers.segments'),
              hideOnPhone: true,
              filterValue: (c) => c.segments.join(' '),
              render: (c) => c.segments.join(', ') || '—',
            },
            {
              key: 'seen',
              header: t('customers.lastSeen'),
              hideOnPhone: true,
              sortValue: (c) => c.lastSeenAt ?? '',
              render: (c) => (c.lastSeenAt ? formatDate(c.lastSeenAt) : '—'),
            },
          ]}
        />
      )}
      {can('settings:manage') && <CustomerSso />}
    </section>
  );
}

/** One customer: identity, segments (editable), consents, tickets, and merging a duplicate into them. */
export function CustomerProfile() {
  const { id = '' } = useParams();
  const { t, formatDate } = useI18n();
  const qc = useQueryClient();
  const notify = useNotify();
  const key = ['customer', id];
  const profile = useQuery({ queryKey: key, queryFn: () => get<Profile>(`/customers/${id}`) });
  const [segments, setSegments] = useState<string | null>(null);
  const [duplicate, setDuplicate] = useState('');
  const segmentErrors = useFormErrors();
  const mergeErrors = useFormErrors();

  const save = useMutation({
    mutationFn: () =>
      patch<Customer>(`/customers/${id}`, {
        segments: (segments ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      }),
    onSuccess: async () => {
      setSegments(null);
      await qc.invalidateQueries({ queryKey: key });
      notify.success(t('customers.saved'));
    },
    onError: (err) => segmentErrors.take(err, ['segments']),
  });
  const merge = useMutation({
    mutationFn: async () => {
      const found = await get<{ items: Customer[] }>(`/customers?q=${encodeURIComponent(duplicate.trim())}`);
      const source = found.items.find(
        (c) => c.email === duplicate.trim().toLowerCase() || c.externalId === duplicate.trim(),
      );
      if (!source) throw new Error(t('customers.mergeNotFound'));
      return post<Customer>(`/customers/${id}/merge`, { sourceId: source.id });
    },
    onSuccess: async () => {
      setDuplicate('');
      await qc.invalidateQueries({ queryKey: key });
      notify.success(t('customers.merged'));
    },
    onError: (err) => mergeErrors.take(err, ['sourceId']),
  });

  if (profile.isPending) return <p>{t('common.loading')}</p>;
  if (profile.error) return <QueryError error={profile.error} />;
  const c = profile.data;
  const title = c.name ?? c.email ?? c.externalId ?? c.id;
  return (
    <section>
      <PageTitle title={title}>{title}</PageTitle>
      <p>
        <Link to="/customers">{t('customers.back')}</Link>
      </p>
      <dl className="details">
        <dt>{t('customers.email')}</dt>
        <dd>
          {c.email ?? '—'}{' '}
          {c.email && (
            <Badge color={c.emailVerified ? 'green' : 'gray'} variant="light">
              {c.emailVerified ? t('customers.verified') : t('customers.unverified')}
            </Badge>
          )}
        </dd>
        <dt>{t('customers.externalId')}</dt>
        <dd>{c.externalId ?? '—'}</dd>
        <dt>{t('customers.created')}</dt>
        <dd>{formatDate(c.createdAt)}</dd>
        <dt>{t('customers.consents')}</dt>
        <dd>
          {Object.entries(c.consents)
            .map(([k, v]) => `${k}: ${v.granted ? '✓' : '✗'} (${formatDate(v.at)})`)
            .join(' · ') || '—'}
        </dd>
      </dl>
      <section className="panel" aria-labelledby="segments-title">
        <h2 id="segments-title">{t('customers.segments')}</h2>
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            segmentErrors.clear();
            save.mutate();
          }}
          noValidate
        >
          {segmentErrors.general && <Alert>{segmentErrors.general}</Alert>}
          <TextField
            label={t('customers.segments')}
            hint={t('customers.segmentsHint')}
            name="segments"
            value={segments ?? c.segments.join(', ')}
            onChange={(e) => setSegments(e.target.value)}
            error={segmentErrors.fields.segments}
          />
          <Button type="submit" disabled={save.isPending}>
            {t('customers.save')}
          </Button>
        </form>
      </section>
      <h2>{t('customers.tickets')}</h2>
      {c.tickets.length === 0 ? (
        <p>{t('customers.noTickets')}</p>
      ) : (
        <DataTable
          label={t('customers.tickets')}
          rows={c.tickets}
          rowKey={(tk) => tk.id}
          columns={[
            {
              key: 'reference',
              header: t('customers.reference'),
              rowHeader: true,
              render: (tk) => <Link to={`/inbox/${tk.id}`}>{tk.reference}</Link>,
            },
            { key: 'subject', header: t('customers.subject'), render: (tk) => tk.subject },
            { key: 'status', header: t('customers.status'), render: (tk) => tk.status },
            {
              key: 'updated',
              header: t('customers.lastSeen'),
              hideOnPhone: true,
              render: (tk) => formatDate(tk.updatedAt),
            },
          ]}
        />
      )}
      <section className="panel" aria-labelledby="merge-title">
        <h2 id="merge-title">{t('customers.merge')}</h2>
        <form
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            mergeErrors.clear();
            merge.mutate();
          }}
          noValidate
        >
          {mergeErrors.general && <Alert>{mergeErrors.general}</Alert>}
          <TextField
            label={t('customers.duplicate')}
            hint={t('customers.mergeHint')}
            name="duplicate"
            value={duplicate}
            onChange={(e) => setDuplicate(e.target.value)}
            error={mergeErrors.fields.sourceId}
          />
          <Button type="submit" disabled={merge.isPending || !duplicate.trim()}>
            {t('customers.mergeButton')}
          </Button>
        </form>
      </section>
    </section>
  );
}
