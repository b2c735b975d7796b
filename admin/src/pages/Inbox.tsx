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
import { PageTitle, QueryError, SelectField, TextField } from '../ui.tsx';

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
  const { t, formatDate } = useI18n();
  const me = useSession().data?.user.id;
  const [params, setParams] = useSearchParams();
  const locales = useLocales();
  const queue: TicketQueue = TICKET_QUEUES.find((q) => q === params.get('queue')) ?? 'open';
  const query = new URLSearchParams({ queue });
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) query.set(f, v);
  }
  const tickets = useQuery({
    queryKey: ['tickets', query.toString()],
    queryFn: () => get<{ items: TicketSummary[]; total: number }>(`/tickets?${query}`),
    placeholderData: keepPreviousData,
  });
  const set = (name: (typeof FILTERS)[number], value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const queueLink = (q: TicketQueue) => {
    const next = new URLSearchParams(params);
    next.set('queue', q);
    return `/inbox?${next}`;
  };

  return (
    <section>
      <PageTitle title={t('inbox.title')}>{t('inbox.title')}</PageTitle>
      <nav aria-label={t('inbox.queues')}>
        <ul className="queue-list">
          {TICKET_QUEUES.map((q) => (
            <li key={q}>
              <Link
                to={queueLink(q)}
                className={q === queue ? 'queue current' : 'queue'}
                aria-current={q === queue ? 'page' : undefined}
              >
                {t(`inbox.queue.${q}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
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
              {l}
            </option>
          ))}
        </SelectField>
      </form>
      {tickets.error && <QueryError error={tickets.error} />}
      {tickets.isPending && <p>{t('common.loading')}</p>}
      {tickets.data && (
        <>
          <p className="hint" aria-live="polite">
            {t('inbox.count', { count: tickets.data.total })}
          </p>
          {tickets.data.items.length === 0 ? (
            <p>{t('inbox.empty')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('inbox.subject')}</th>
                  <th scope="col">{t('inbox.reference')}</th>
                  <th scope="col">{t('inbox.status')}</th>
                  <th scope="col">{t('inbox.priority')}</th>
                  <th scope="col">{t('inbox.level')}</th>
                  <th scope="col">{t('inbox.locale')}</th>
                  <th scope="col">{t('inbox.assignee')}</th>
                  <th scope="col">{t('inbox.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {tickets.data.items.map((ticket) => (
                  <tr key={ticket.id}>
                    <th scope="row">
                      <Link to={`/inbox/${ticket.id}`}>{ticket.subject}</Link>
                    </th>
                    <td className="mono">{ticket.reference}</td>
                    <td>
                      <span className={`badge ticket-${ticket.status}`}>
                        {t(`ticketStatus.${ticket.status}`)}
                      </span>
                    </td>
                    <td>
                      <span className={`badge priority-${ticket.priority}`}>
                        {t(`priority.${ticket.priority}`)}
                      </span>
                    </td>
                    <td>{t(`level.${ticket.level}`)}</td>
                    <td>{ticket.locale}</td>
                    <td>{assigneeLabel(t, ticket.assigneeId, me)}</td>
                    <td>{formatDate(ticket.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
