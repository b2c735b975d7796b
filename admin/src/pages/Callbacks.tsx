import { Anchor, Badge, Button, Group, SegmentedControl, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { get, post } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { type Column, DataTable } from '../table.tsx';
import { QueryError, useNotify } from '../ui.tsx';

/** One callback request of `GET /api/v1/callbacks`. */
interface CallbackItem {
  ticketId: string;
  reference: string;
  subject: string;
  customerName: string | null;
  phone: string | null;
  locale: string;
  dueAt: string | null;
  status: 'pending' | 'called' | 'done' | 'no_answer';
  preferredTime: string | null;
  createdAt: string;
}
const VIEWS = ['open', 'no_answer', 'done'] as const;
const OUTCOMES = ['called', 'done', 'no_answer'] as const;

/**
 * The callback queue (inbox tab « Rappels »): due slots first, overdue ones flagged; the agent calls
 * the number and records what happened in one click.
 */
export function CallbackQueue() {
  const { t, formatDate } = useI18n();
  const notify = useNotify();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const view = VIEWS.find((v) => v === params.get('callbacks')) ?? 'open';
  const list = useQuery({
    queryKey: ['callbacks', view],
    queryFn: () => get<{ items: CallbackItem[] }>(`/callbacks?status=${view}`),
    refetchInterval: 30_000,
  });
  const record = useMutation({
    mutationFn: ({ id, outcome }: { id: string; outcome: (typeof OUTCOMES)[number] }) =>
      post(`/tickets/${id}/callback`, { outcome }),
    onSuccess: (_data, { outcome }) => {
      notify.success(t(`callbacks.recorded.${outcome}`));
      qc.invalidateQueries({ queryKey: ['callbacks'] });
      qc.invalidateQueries({ queryKey: ['tickets'] });
    },
    onError: (err) => notify.error(err.message),
  });
  const now = Date.now();

  const columns: Column<CallbackItem>[] = [
    {
      key: 'due',
      header: t('callbacks.due'),
      sortValue: (c) => c.dueAt ?? '',
      render: (c) => (
        <Group gap="xs">
          <span>{c.dueAt ? formatDate(c.dueAt) : (c.preferredTime ?? '')}</span>
          {c.status !== 'done' && c.dueAt && Date.parse(c.dueAt) <= now && (
            <Badge color="red" variant="light">
              {t('callbacks.overdue')}
            </Badge>
          )}
        </Group>
      ),
    },
    {
      key: 'phone',
      header: t('callbacks.phone'),
      rowHeader: true,
      render: (c) => (c.phone ? <Anchor href={`tel:${c.phone}`}>{c.phone}</Anchor> : ''),
    },
    {
      key: 'customer',
      header: t('callbacks.customer'),
      hideOnPhone: true,
      sortValue: (c) => c.customerName ?? '',
      render: (c) => c.customerName ?? '',
    },
    {
      key: 'subject',
      header: t('inbox.subject'),
      sortValue: (c) => c.subject,
      filterValue: (c) => `${c.subject} ${c.reference}`,
      render: (c) => (
        <Anchor component={Link} to={`/inbox/${c.ticketId}`}>
          {c.subject}
        </Anchor>
      ),
    },
    {
      key: 'status',
      header: t('inbox.status'),
      render: (c) => <Badge variant="light">{t(`callbacks.status.${c.status}`)}</Badge>,
    },
    {
      key: 'actions',
      header: t('callbacks.actions'),
      render: (c) =>
        c.status === 'done' ? null : (
          <Group gap="xs" wrap="wrap">
            {OUTCOMES.map((outcome) => (
              <Button
                key={outcome}
                size="xs"
                variant={outcome === 'done' ? 'filled' : 'default'}
                loading={record.isPending && record.variables?.id === c.ticketId}
                onClick={() => record.mutate({ id: c.ticketId, outcome })}
                aria-label={`${t(`callbacks.mark.${outcome}`)} — ${c.reference}`}
              >
                {t(`callbacks.mark.${outcome}`)}
              </Button>
            ))}
          </Group>
        ),
    },
  ];

  return (
    <section aria-labelledby="callbacks-title">
      <Group justify="space-between" mb="sm">
        <Text component="h2" fw={600} id="callbacks-title">
          {t('callbacks.title')}
        </Text>
        <SegmentedControl
          aria-label={t('callbacks.view')}
          value={view}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            next.set('callbacks', v);
            setParams(next, { replace: true });
          }}
          data={VIEWS.map((v) => ({ value: v, label: t(`callbacks.view.${v}`) }))}
        />
      </Group>
      {list.error && <QueryError error={list.error} />}
      {list.isPending && <p>{t('common.loading')}</p>}
      {list.data && (
        <DataTable
          label={t('callbacks.title')}
          rows={list.data.items}
          columns={columns}
          rowKey={(c) => c.ticketId}
          empty={t('callbacks.empty')}
        />
      )}
    </section>
  );
}
