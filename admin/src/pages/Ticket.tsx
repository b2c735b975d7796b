import { Button } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type RefObject, useId, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import {
  type AgentTicket,
  type ArticleDraft,
  get,
  patch,
  post,
  type Suggestion,
  TICKET_LEVELS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type TicketMessage,
  type TicketSummary,
  type TimelineEntry,
} from '../api.ts';
import { type Translate, useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { Alert, PageTitle, QueryError, SelectField, TextArea, useFormErrors } from '../ui.tsx';
import { assigneeLabel } from './Inbox.tsx';
import { TicketIncidents } from './Status.tsx';

const ticketKey = (id: string) => ['ticket', id] as const;

/** One ticket: the customer, their self-service path, the thread, the reply box, KB answers. */
export function Ticket() {
  const { id = '' } = useParams();
  const { t, formatDate } = useI18n();
  const ticket = useQuery({
    queryKey: ticketKey(id),
    queryFn: () => get<AgentTicket>(`/tickets/${id}`),
  });
  const reply = useRef<ReplyApi>(null);

  if (ticket.error) return <QueryError error={ticket.error} />;
  if (!ticket.data) return <p className="loading">{t('common.loading')}</p>;
  const tk = ticket.data;
  return (
    <section className="ticket">
      <p>
        <Link to="/inbox">{t('ticket.back')}</Link>
      </p>
      <PageTitle title={tk.subject}>{tk.subject}</PageTitle>
      <p className="hint">
        {t('ticket.meta', {
          reference: tk.reference,
          channel: tk.channel,
          source: tk.source,
          date: formatDate(tk.createdAt),
        })}
      </p>
      <div className="ticket-grid">
        <div className="ticket-main">
          <Controls ticket={tk} />
          <Thread messages={tk.messages} />
          <ReplyBox ticketId={tk.id} apiRef={reply} />
        </div>
        <div className="ticket-side">
          <Customer ticket={tk} />
          <Timeline entries={tk.timeline} />
          <Suggestions ticketId={tk.id} onInsert={(text) => reply.current?.insert(text)} />
          <ArticleDraftButton ticketId={tk.id} />
          <TicketIncidents ticketId={tk.id} />
        </div>
      </div>
    </section>
  );
}

function Controls({ ticket }: { ticket: AgentTicket }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const me = useSession().data?.user.id;
  const errors = useFormErrors();
  const [saved, setSaved] = useState(false);
  const change = useMutation({
    mutationFn: (body: Record<string, unknown>) => patch<TicketSummary>(`/tickets/${ticket.id}`, body),
    onMutate: () => {
      errors.clear();
      setSaved(false);
    },
    onSuccess: (row) => {
      qc.setQueryData<AgentTicket>(ticketKey(ticket.id), (old) => old && { ...old, ...row });
      qc.invalidateQueries({ queryKey: ['tickets'] });
      setSaved(true);
    },
    onError: (err) => errors.take(err, ['status', 'priority', 'level', 'assigneeId']),
  });
  return (
    <section className="panel" aria-labelledby="ticket-controls">
      <h2 id="ticket-controls">{t('ticket.controls')}</h2>
      <div className="filters">
        <SelectField
          label={t('inbox.status')}
          value={ticket.status}
          error={errors.fields.status}
          disabled={change.isPending}
          onChange={(e) => change.mutate({ status: e.target.value })}
        >
          {TICKET_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`ticketStatus.${s}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('inbox.priority')}
          value={ticket.priority}
          error={errors.fields.priority}
          disabled={change.isPending}
          onChange={(e) => change.mutate({ priority: e.target.value })}
        >
          {TICKET_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {t(`priority.${p}`)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('inbox.level')}
          value={ticket.level}
          error={errors.fields.level}
          disabled={change.isPending}
          onChange={(e) => change.mutate({ level: e.target.value })}
        >
          {TICKET_LEVELS.map((l) => (
            <option key={l} value={l}>
              {t(`level.${l}`)}
            </option>
          ))}
        </SelectField>
        <div className={errors.fields.assigneeId ? 'field field-invalid' : 'field'}>
          <span className="label">
            {t('ticket.assignedTo', { who: assigneeLabel(t, ticket.assigneeId, me) })}
          </span>
          {ticket.assigneeId === me ? (
            <Button
              variant="default"
              type="button"
              disabled={change.isPending}
              onClick={() => change.mutate({ assigneeId: null })}
            >
              {t('ticket.unassign')}
            </Button>
          ) : (
            <Button
              variant="default"
              type="button"
              disabled={change.isPending || !me}
              onClick={() => change.mutate({ assigneeId: me })}
            >
              {t('ticket.assignMe')}
            </Button>
          )}
          {errors.fields.assigneeId && <p className="field-error">{errors.fields.assigneeId}</p>}
        </div>
      </div>
      {errors.general && <Alert>{errors.general}</Alert>}
      <p className="saved" aria-live="polite">
        {saved ? t('ticket.saved') : ''}
      </p>
    </section>
  );
}

function Customer({ ticket }: { ticket: AgentTicket }) {
  const { t } = useI18n();
  const c = ticket.customer;
  const rows: Array<[string, string | null]> = [
    [t('ticket.name'), c.name],
    [t('ticket.email'), c.email],
    [t('ticket.phone'), c.phone],
    [t('ticket.callback'), ticket.callbackTime],
  ];
  return (
    <section className="panel" aria-labelledby="ticket-customer">
      <h2 id="ticket-customer">{t('ticket.customer')}</h2>
      <dl className="details">
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

function Thread({ messages }: { messages: TicketMessage[] }) {
  const { t, formatDate } = useI18n();
  return (
    <section aria-labelledby="ticket-thread">
      <h2 id="ticket-thread">{t('ticket.thread')}</h2>
      <ol className="thread">
        {messages.map((m) => (
          <li
            key={m.id}
            className={`message from-${m.author}${m.visibility === 'internal' ? ' internal' : ''}`}
          >
            <p className="message-head">
              <strong>{t(`ticket.from.${m.author}`)}</strong>
              {m.visibility === 'internal' && <span className="badge">{t('ticket.internal')}</span>}{' '}
              <time dateTime={m.createdAt}>{formatDate(m.createdAt)}</time>
            </p>
            <p className="message-body">{m.body}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** `95000` → `1 min 35 s`. */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', s % 60 || (!h && !m) ? `${s % 60} s` : ''];
  return parts.filter(Boolean).join(' ');
}

function entryDetail(t: Translate, e: TimelineEntry): string[] {
  const d = e.detail ?? {};
  switch (e.kind) {
    case 'search': {
      const titles = (k: string) => (Array.isArray(d[k]) ? (d[k] as unknown[]).map(String).join(' · ') : '');
      return [
        d.abstained ? t('timeline.abstained') : '',
        titles('shown') ? t('timeline.shown', { titles: titles('shown') }) : '',
        titles('opened') ? t('timeline.opened', { titles: titles('opened') }) : '',
      ].filter(Boolean);
    }
    case 'article':
      return [
        d.helpful === true ? t('timeline.helpful') : d.helpful === false ? t('timeline.notHelpful') : '',
        typeof d.comment === 'string' ? `« ${d.comment} »` : '',
      ].filter(Boolean);
    case 'bot':
      return typeof d.from === 'string' && ['customer', 'bot', 'agent', 'system'].includes(d.from)
        ? [t(`timeline.from.${d.from as 'customer' | 'bot' | 'agent' | 'system'}`)]
        : [];
    case 'escalated':
      return [
        typeof d.selfServiceMs === 'number' ? t('timeline.spent', { time: duration(d.selfServiceMs) }) : '',
        typeof d.device === 'string' ? t('timeline.device', { device: d.device }) : '',
      ].filter(Boolean);
    default:
      return [];
  }
}

function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const { t, formatDate } = useI18n();
  return (
    <section className="panel" aria-labelledby="ticket-timeline">
      <h2 id="ticket-timeline">{t('ticket.timeline')}</h2>
      {entries.length === 0 ? (
        <p>{t('ticket.timelineEmpty')}</p>
      ) : (
        <ol className="timeline">
          {entries.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is fixed once the ticket exists
            <li key={i} className={`timeline-${e.kind}`}>
              <span className="timeline-kind">{t(`timeline.${e.kind}`)}</span>{' '}
              <time dateTime={e.at}>{formatDate(e.at)}</time>
              <p className="timeline-text">{e.text}</p>
              {entryDetail(t, e).map((line) => (
                <p key={line} className="hint">
                  {line}
                </p>
              ))}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

interface ReplyApi {
  insert: (text: string) => void;
}

function ReplyBox({ ticketId, apiRef }: { ticketId: string; apiRef: RefObject<ReplyApi | null> }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [body, setBody] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'internal'>('public');
  const [done, setDone] = useState<string>('');
  const errors = useFormErrors();
  const area = useRef<HTMLTextAreaElement>(null);
  const kindName = useId();
  apiRef.current = {
    insert: (text) => {
      const el = area.current;
      const at = el ? el.selectionEnd : body.length;
      const before = body.slice(0, at);
      const after = body.slice(at);
      const sep = before && !before.endsWith('\n') ? '\n' : '';
      const next = `${before}${sep}${text}\n${after}`;
      setBody(next);
      setDone(t('ticket.inserted'));
      requestAnimationFrame(() => {
        el?.focus();
        const pos = before.length + sep.length + text.length + 1;
        el?.setSelectionRange(pos, pos);
      });
    },
  };
  const send = useMutation({
    mutationFn: () => post<TicketMessage>(`/tickets/${ticketId}/messages`, { body, visibility }),
    onSuccess: () => {
      setBody('');
      setDone(visibility === 'public' ? t('ticket.sent') : t('ticket.noted'));
      qc.invalidateQueries({ queryKey: ticketKey(ticketId) });
      qc.invalidateQueries({ queryKey: ['tickets'] });
    },
    onError: (err) => errors.take(err, ['body', 'visibility']),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    errors.clear();
    setDone('');
    if (!body.trim()) {
      errors.take(new Error(t('common.required')), []);
      return;
    }
    send.mutate();
  };
  const bodyError = errors.fields.body ?? (!errors.fields.visibility ? errors.general : undefined);
  return (
    <form
      className={`panel reply reply-${visibility}`}
      onSubmit={submit}
      aria-labelledby="ticket-reply"
      noValidate
    >
      <h2 id="ticket-reply">{t('ticket.reply')}</h2>
      <fieldset className="plain">
        <legend>{t('ticket.replyKind')}</legend>
        <div className="checks">
          {(['public', 'internal'] as const).map((v) => (
            <label key={v} className="check">
              <input
                type="radio"
                name={kindName}
                value={v}
                checked={visibility === v}
                onChange={() => setVisibility(v)}
              />{' '}
              {v === 'public' ? t('ticket.public') : t('ticket.note')}
            </label>
          ))}
        </div>
      </fieldset>
      <TextArea
        ref={area}
        label={t('ticket.message')}
        hint={visibility === 'public' ? t('ticket.publicHint') : t('ticket.noteHint')}
        error={bodyError}
        rows={8}
        value={body}
        onChange={(e) => setBody(e.target.value)}
      />
      <p className="buttons">
        <Button type="submit" disabled={send.isPending}>
          {visibility === 'public' ? t('ticket.send') : t('ticket.addNote')}
        </Button>
      </p>
      <p className="saved" aria-live="polite">
        {done}
      </p>
    </form>
  );
}

function Suggestions({ ticketId, onInsert }: { ticketId: string; onInsert: (text: string) => void }) {
  const { t } = useI18n();
  const suggestions = useQuery({
    queryKey: ['ticket', ticketId, 'suggestions'],
    queryFn: () => get<{ items: Suggestion[] }>(`/tickets/${ticketId}/suggestions`),
    select: (d) => d.items,
  });
  return (
    <section className="panel" aria-labelledby="ticket-suggestions">
      <h2 id="ticket-suggestions">{t('ticket.suggestions')}</h2>
      {suggestions.error && <QueryError error={suggestions.error} />}
      {suggestions.isPending && <p>{t('common.loading')}</p>}
      {suggestions.data?.length === 0 && <p>{t('ticket.noSuggestions')}</p>}
      <ul className="suggestions">
        {suggestions.data?.map((s) => {
          const url = new URL(s.url, window.location.origin).toString();
          return (
            <li key={s.id}>
              <p>
                <a href={url} target="_blank" rel="noreferrer">
                  {s.title}
                </a>
              </p>
              <p className="hint">{s.shortAnswer}</p>
              <Button
                variant="default"
                type="button"
                aria-label={t('ticket.insertLabel', { title: s.title })}
                onClick={() => onInsert(`${s.title}: ${url}`)}
              >
                {t('ticket.insert')}
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ArticleDraftButton({ ticketId }: { ticketId: string }) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const draft = useMutation({
    mutationFn: () => post<ArticleDraft>(`/tickets/${ticketId}/article-draft`),
    onSuccess: (d) => {
      if (d.articleId) qc.invalidateQueries({ queryKey: ['articles'] });
    },
  });
  return (
    <section className="panel" aria-label={t('ticket.toArticle')}>
      <p>
        <Button variant="default" type="button" disabled={draft.isPending} onClick={() => draft.mutate()}>
          {t('ticket.toArticle')}
        </Button>
      </p>
      {draft.error && <QueryError error={draft.error} />}
      {draft.data?.articleId && (
        <Alert kind="success">
          {t('ticket.draftCreated', { title: draft.data.title })}{' '}
          <Link to={`/content/${draft.data.articleId}`}>{t('ticket.openDraft')}</Link>
        </Alert>
      )}
      {draft.data && !draft.data.articleId && (
        <Alert kind="info">
          <p>{t('ticket.draftPrepared')}</p>
          <dl className="details">
            <dt>{t('editor.title')}</dt>
            <dd>{draft.data.title}</dd>
            <dt>{t('ticket.draftShort')}</dt>
            <dd>{draft.data.shortAnswer}</dd>
            <dt>{t('ticket.draftFormulations')}</dt>
            <dd>{draft.data.formulations.join(' · ')}</dd>
          </dl>
        </Alert>
      )}
    </section>
  );
}
