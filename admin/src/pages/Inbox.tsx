import { Anchor, Badge, Button, Code, Group, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, Outlet, useSearchParams } from 'react-router';
import {
  get,
  TICKET_LEVELS,
  TICKET_PRIORITIES,
  TICKET_QUEUES,
  TICKET_STATUSES,
  type TicketQueue,
  type TicketSummary,
} from '../api.ts';
import { useLocales } from '../content.ts';
import { type Translate, useI18n } from '../i18n.tsx';
import { usePresence } from '../presence.ts';
import { useSession } from '../session.tsx';
import { type Column, DataTable } from '../table.tsx';
import { PageTitle, QueryError, SelectField, TextField } from '../ui.tsx';
import { CallbackQueue } from './Callbacks.tsx';

const FILTERS = ['q', 'status', 'priority', 'level', 'locale'] as const;

/** Who holds a ticket, from the agent's point of view (agents cannot list the team). */
export function assigneeLabel(t: Translate, assigneeId: string | null, me: string | undefined) {
  if (!assigneeId) return t('inbox.nobody');
  return assigneeId === me ? t('inbox.me') : t('inbox.someone');
}

/** The inbox and its tickets: while either is open, the agent counts as online for live handoff. */
export function InboxArea() {
  usePresence();
  return <Outlet />;
}

/** Agents' queues with filters kept in the URL (shareable, survive a reload). */
export function Inbox() {
  const { t, formatDate, languageName } = useI18n();
  const me = useSession().data?.user.id;
  const [params, setParams] = useSearchParams();
  const locales = useLocales();
  const queue: TicketQueue = TICKET_QUEUES.find((q) => q === params.get('queue')) ?? 'open';
  const callbacks = params.get('queue') === 'callbacks';
  // Sorted by the server (urgent first, then oldest); the table pages and re-sorts what came back.
  const query = new URLSearchParams({ queue, limit: '100' });
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) query.set(f, v);
  }
  const tickets = useQuery({
    queryKey: ['tickets', query.toString()],
    queryFn: () => get<{ items: TicketSummary[]; total: number }>(`/tickets?${query}`),
    placeholderData: keepPreviousData,
    enabled: !callbacks,
  });
  const set = (name: (typeof FILTERS)[number], value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const queueLink = (q: TicketQueue | 'callbacks') => {
    const next = new URLSearchParams(params);
    next.set('queue', q);
    return `/inbox?${next}`;
  };

  const columns: Column<TicketSummary>[] = [
    {
      key: 'subject',
      header: t('inbox.subject'),
      rowHeader: true,
      sortValue: (tk) => tk.subject,
      filterValue: (tk) => `${tk.subject} ${tk.reference}`,
      render: (tk) => (
        <Anchor component={Link} to={`/inbox/${tk.id}`}>
          {tk.subject}
        </Anchor>
      ),
    },
    {
      key: 'reference',
      header: t('inbox.reference'),
      hideOnPhone: true,
      sortValue: (tk) => tk.reference,
      render: (tk) => <Code>{tk.reference}</Code>,
    },
    {
      key: 'status',
      header: t('inbox.status'),
      sortValue: (tk) => TICKET_STATUSES.indexOf(tk.status),
      render: (tk) => (
        <Badge variant="light" color={tk.status === 'solved' || tk.status === 'closed' ? 'green' : 'blue'}>
          {t(`ticketStatus.${tk.status}`)}
        </Badge>
      ),
    },
    {
      key: 'priority',
      header: t('inbox.priority'),
      sortValue: (tk) => -TICKET_PRIORITIES.indexOf(tk.priority),
      render: (tk) => (
        <Badge
          variant={tk.priority === 'urgent' ? 'filled' : 'light'}
          color={tk.priority === 'urgent' || tk.priority === 'high' ? 'red' : 'gray'}
        >
          {t(`priority.${tk.priority}`)}
        </Badge>
      ),
    },
    {
      key: 'level',
      header: t('inbox.level'),
      hideOnPhone: true,
      sortValue: (tk) => TICKET_LEVELS.indexOf(tk.level),
      render: (tk) => t(`level.${tk.level}`),
    },
    {
      key: 'locale',
      header: t('inbox.locale'),
      hideOnPhone: true,
      sortValue: (tk) => tk.locale,
      render: (tk) => tk.locale,
    },
    {
      key: 'assignee',
      header: t('inbox.assignee'),
      hideOnPhone: true,
      sortValue: (tk) => assigneeLabel(t, tk.assigneeId, me),
      render: (tk) => assigneeLabel(t, tk.assigneeId, me),
    },
    {
      key: 'updated',
      header: t('inbox.updated'),
      hideOnPhone: true,
      sortValue: (tk) => tk.updatedAt,
      render: (tk) => formatDate(tk.updatedAt),
    },
  ];

  return (
    <section>
      <PageTitle title={t('inbox.title')}>{t('inbox.title')}</PageTitle>
      <nav aria-label={t('inbox.queues')}>
        <Group component="ul" gap="xs" className="plain-list" mb="md">
          {TICKET_QUEUES.map((q) => (
            <li key={q}>
              <Button
                component={Link}
                to={queueLink(q)}
                variant={q === queue && !callbacks ? 'filled' : 'default'}
                size="sm"
                aria-current={q === queue && !callbacks ? 'page' : undefined}
              >
                {t(`inbox.queue.${q}`)}
              </Button>
            </li>
          ))}
          <li>
            <Button
              component={Link}
              to={queueLink('callbacks')}
              variant={callbacks ? 'filled' : 'default'}
              size="sm"
              aria-current={callbacks ? 'page' : undefined}
            >
              {t('inbox.queue.callbacks')}
            </Button>
          </li>
        </Group>
      </nav>
      {callbacks ? (
        <CallbackQueue />
      ) : (
        <>
          <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('inbox.filters')}>
            <TextField
              label={t('inbox.search')}
              type="search"
              name="q"
              value={params.get('q') ?? ''}
              onChange={(e) => set('q', e.target.value)}
            />
            <SelectField
              label={t('inbox.status')}
              value={params.get('status') ?? ''}
              onChange={(e) => set('status', e.target.value)}
            >
              <option value="">{t('inbox.any')}</option>
              {TICKET_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`ticketStatus.${s}`)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('inbox.priority')}
              value={params.get('priority') ?? ''}
              onChange={(e) => set('priority', e.target.value)}
            >
              <option value="">{t('inbox.any')}</option>
              {TICKET_PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {t(`priority.${p}`)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('inbox.level')}
              value={params.get('level') ?? ''}
              onChange={(e) => set('level', e.target.value)}
            >
              <option value="">{t('inbox.any')}</option>
              {TICKET_LEVELS.map((l) => (
                <option key={l} value={l}>
                  {t(`level.${l}`)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('inbox.locale')}
              value={params.get('locale') ?? ''}
              onChange={(e) => set('locale', e.target.value)}
            >
              <option value="">{t('inbox.any')}</option>
              {locales.data?.map((l) => (
                <option key={l} value={l}>
                  {languageName(l)}
                </option>
              ))}
            </SelectField>
          </form>
          {tickets.error && <QueryError error={tickets.error} />}
          {tickets.isPending && <p>{t('common.loading')}</p>}
          {tickets.data && (
            <>
              <Text size="sm" c="dimmed" aria-live="polite" mb="xs">
                {t('inbox.count', { count: tickets.data.total })}
              </Text>
              <DataTable
                label={t('inbox.title')}
                rows={tickets.data.items}
                columns={columns}
                rowKey={(ticket) => ticket.id}
                empty={t('inbox.empty')}
              />
            </>
          )}
        </>
      )}
    </section>
  );
}
