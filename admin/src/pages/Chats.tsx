import { Badge } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, Outlet, useNavigate, useParams } from 'react-router';
import { ApiError, get, type Hit, post } from '../api.ts';
import { type ChatMessage, type ChatSummary, type ChatView, chatConnection } from '../chat-connection.ts';
import { type MessageKey, type Translate, useI18n } from '../i18n.tsx';
import { usePresence } from '../presence.ts';
import { useSession } from '../session.tsx';
import { Alert, PageTitle, ProblemDetails, QueryError, SelectField, TextField } from '../ui.tsx';

/** Starts the live connection once a session is known (any page: the navigation badge needs it). */
function useConnection() {
  const csrf = useSession().data?.csrfToken;
  useEffect(() => {
    if (csrf) chatConnection.start(csrf);
  }, [csrf]);
}

/** Chats waiting for an agent, kept current by the connection's queue frames. */
function useQueue() {
  useConnection();
  const client = useQueryClient();
  const queue = useQuery({
    queryKey: ['chats', 'waiting'],
    queryFn: () => get<{ items: ChatSummary[] }>('/chats?status=waiting'),
    refetchInterval: 30_000,
  });
  useEffect(
    () =>
      chatConnection.on((f) => {
        if (f.type === 'queue') client.setQueryData(['chats', 'waiting'], { items: f.waiting });
      }),
    [client],
  );
  return queue;
}

/**
 * The navigation badge: how many chats wait. A browser notification when one more arrives, if the
 * agent allowed notifications (asked on their first click on the chats page, never on load).
 */
export function ChatBadge() {
  const { t } = useI18n();
  const waiting = useQueue().data?.items.length ?? 0;
  const previous = useRef(waiting);
  useEffect(() => {
    if (waiting > previous.current && 'Notification' in window && Notification.permission === 'granted') {
      new Notification(t('chats.notify.title'), {
        body: t('chats.notify.body', { n: waiting }),
        tag: 'relais-chats',
      });
    }
    previous.current = waiting;
  }, [waiting, t]);
  if (!waiting) return null;
  return (
    <Badge color="red" size="sm" circle role="status" aria-label={t('chats.badge', { n: waiting })}>
      {waiting}
    </Badge>
  );
}

/** While the chats are open the agent counts as online (live chat is offered to customers). */
export function ChatsArea() {
  usePresence();
  useConnection();
  return <Outlet />;
}

export function Chats() {
  const { t, formatDate } = useI18n();
  const navigate = useNavigate();
  const queue = useQueue();
  const mine = useQuery({
    queryKey: ['chats', 'mine'],
    queryFn: () => get<{ items: ChatSummary[] }>('/chats?status=mine'),
    refetchInterval: 15_000,
  });
  const [error, setError] = useState<unknown>();
  const accept = async (id: string) => {
    setError(undefined);
    if ('Notification' in window && Notification.permission === 'default')
      void Notification.requestPermission();
    try {
      await post(`/chats/${id}/accept`);
      navigate(`/chats/${id}`);
    } catch (err) {
      setError(err);
      void queue.refetch();
    }
  };
  return (
    <>
      <PageTitle title={t('chats.title')}>{t('chats.title')}</PageTitle>
      {error !== undefined && <ProblemDetails error={error} />}
      <section aria-labelledby="chats-waiting">
        <h2 id="chats-waiting">{t('chats.waiting')}</h2>
        {queue.error && <QueryError error={queue.error} />}
        {queue.data?.items.length === 0 && <p>{t('chats.none')}</p>}
        <ul className="chat-list">
          {queue.data?.items.map((c, i) => (
            <li key={c.id}>
              <span>
                {t('chats.position', { n: i + 1 })} · <strong>{c.subject}</strong> ·{' '}
                {c.customerName ?? t('chats.customer')} · {formatDate(c.createdAt)} · {c.reference}
              </span>{' '}
              <button type="button" onClick={() => void accept(c.id)}>
                {t('chats.accept')}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="chats-mine">
        <h2 id="chats-mine">{t('chats.mine')}</h2>
        {mine.data?.items.length === 0 && <p>{t('chats.noneMine')}</p>}
        <ul className="chat-list">
          {mine.data?.items.map((c) => (
            <li key={c.id}>
              <Link to={`/chats/${c.id}`}>
                {c.subject} · {c.customerName ?? t('chats.customer')} · {c.reference}
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function notice(t: Translate, m: ChatMessage, agent: string) {
  if (m.author !== 'system') return m.body;
  const key = (
    {
      'handoff.agent_joined': 'chats.notice.joined',
      'chat.transferred': 'chats.notice.transferred',
      'handoff.resolved': 'chats.notice.ended',
      'handoff.wait_timeout_ticket_created': 'chats.notice.timeout',
      'handoff.waiting': 'chats.notice.waiting',
    } as Record<string, MessageKey>
  )[m.body];
  return key ? t(key, { name: agent }) : m.body;
}

/** One chat: thread, composer with typing indicator, read receipts, answers to insert, transfer, end. */
export function ChatRoom() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const me = useSession().data?.user.id;
  const [chat, setChat] = useState<ChatView>();
  const [typing, setTyping] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const log = useRef<HTMLDivElement>(null);
  const typingSent = useRef(false);
  const typingTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  useEffect(() => {
    let live = true;
    void get<ChatView>(`/chats/${id}`).then((c) => live && setChat(c), setError);
    const off = chatConnection.on((f) => {
      if (f.type === 'state' && f.chat.id === id) setChat(f.chat);
      else if (f.type === 'message' && f.chatId === id) {
        setTyping(false);
        setChat((c) =>
          c && !c.messages.some((m) => m.id === f.message.id)
            ? { ...c, messages: [...c.messages, f.message] }
            : c,
        );
      } else if (f.type === 'typing' && f.chatId === id && f.from === 'customer') setTyping(f.on);
      else if (f.type === 'read' && f.chatId === id) {
        setChat((c) =>
          c ? { ...c, [f.by === 'customer' ? 'customerReadId' : 'agentReadId']: f.messageId } : c,
        );
      } else if (f.type === 'error')
        setError(new ApiError({ status: f.status, code: f.code, detail: f.detail } as never));
    });
    chatConnection.watch(id);
    return () => {
      live = false;
      off();
      chatConnection.unwatch(id);
    };
  }, [id]);

  const lastCustomer = chat?.messages.filter((m) => m.author === 'customer').at(-1)?.id ?? 0;
  const mineNow = chat?.status === 'active' && chat.agent?.id === me;
  useEffect(() => {
    log.current?.scrollTo({ top: log.current.scrollHeight });
    // Seen: the customer's last message, while this page is visible.
    if (mineNow && lastCustomer > (chat?.agentReadId ?? 0) && document.visibilityState === 'visible') {
      void chatConnection.send(id, { type: 'read', messageId: lastCustomer }).catch(() => {});
    }
  }, [lastCustomer, mineNow, chat?.agentReadId, id]);

  if (!chat)
    return error ? <ProblemDetails error={error} /> : <p className="loading">{t('common.loading')}</p>;

  const setTypingOn = (on: boolean) => {
    if (on !== typingSent.current) void chatConnection.send(id, { type: 'typing', on }).catch(() => {});
    typingSent.current = on;
  };
  const onType = (value: string) => {
    setText(value);
    setTypingOn(value.length > 0);
    clearTimeout(typingTimer.current);
    typingTimer.current = setTimeout(() => setTypingOn(false), 3000);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setError(undefined);
    clearTimeout(typingTimer.current);
    typingSent.current = false;
    try {
      await chatConnection.send(id, { type: 'message', text: body });
      setText('');
    } catch (err) {
      setError(err);
    }
  };
  const act = async (path: string, body?: unknown) => {
    setError(undefined);
    try {
      setChat(await post<ChatView>(`/chats/${id}/${path}`, body));
    } catch (err) {
      setError(err);
    }
  };
  const agentName = chat.agent?.name ?? '';
  const lastMine = chat.messages.filter((m) => m.author === 'agent').at(-1)?.id ?? 0;

  return (
    <>
      <PageTitle title={t('chats.room')}>{t('chats.room')}</PageTitle>
      <p>
        <Link to="/chats">{t('chats.back')}</Link> ·{' '}
        <Link to={`/inbox/${chat.ticketId}`}>{t('chats.ticket')}</Link> · {t(`chats.status.${chat.status}`)}
        {chat.agent ? ` · ${chat.agent.name}` : ''}
      </p>
      {error !== undefined && <ProblemDetails error={error} />}
      <div className="chat-log" role="log" aria-live="polite" aria-label={t('chats.room')} ref={log}>
        {chat.messages.map((m) => (
          <p key={m.id} className={`chat-msg chat-${m.author}`} data-id={m.id}>
            {m.author === 'agent' && m.authorName ? <strong>{m.authorName} : </strong> : null}
            {notice(t, m, agentName)}
          </p>
        ))}
        {lastMine > 0 && chat.customerReadId >= lastMine && <p className="hint">{t('chats.read')}</p>}
      </div>
      <p className="hint" aria-live="polite">
        {typing ? t('chats.typing') : ''}
      </p>
      {mineNow ? (
        <>
          <form className="inline-form" onSubmit={(e) => void submit(e)}>
            <TextField
              label={t('chats.message')}
              value={text}
              maxLength={2000}
              onChange={(e) => onType(e.target.value)}
              autoComplete="off"
            />
            <button type="submit">{t('chats.send')}</button>
          </form>
          <Answers t={t} onInsert={(s) => onType(text ? `${text}\n${s}` : s)} />
          <Transfer t={t} me={me} onTransfer={(agentId) => void act('transfer', { agentId })} />
          <button type="button" onClick={() => void act('end')}>
            {t('chats.end')}
          </button>
        </>
      ) : chat.status === 'waiting' ? (
        <button type="button" onClick={() => void act('accept')}>
          {t('chats.accept')}
        </button>
      ) : (
        <Alert kind="info">{t(chat.status === 'active' ? 'chats.otherAgent' : 'chats.over')}</Alert>
      )}
    </>
  );
}

/** Knowledge-base answers (internal included) to insert into the reply: the search API. */
function Answers({ t, onInsert }: { t: Translate; onInsert: (text: string) => void }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim()) return;
    const res = await get<{ results: Hit[] }>(`/search?q=${encodeURIComponent(q.trim())}&limit=5`).catch(
      () => ({ results: [] }),
    );
    setHits(res.results);
  };
  return (
    <details className="details">
      <summary>{t('chats.answers')}</summary>
      <form className="inline-form" onSubmit={(e) => void search(e)}>
        <TextField label={t('chats.answersSearch')} value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="submit">{t('chats.answersGo')}</button>
      </form>
      <ul>
        {hits.map((h) => (
          <li key={h.id}>
            <strong>{h.title}</strong> — {h.shortAnswer}{' '}
            <button type="button" onClick={() => onInsert(`${h.shortAnswer} ${h.url}`)}>
              {t('chats.insert')}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

function Transfer({
  t,
  me,
  onTransfer,
}: {
  t: Translate;
  me: string | undefined;
  onTransfer: (id: string) => void;
}) {
  const agents = useQuery({
    queryKey: ['chats', 'agents'],
    queryFn: () => get<{ items: Array<{ id: string; name: string }> }>('/chats/agents'),
  });
  const [to, setTo] = useState('');
  const others = agents.data?.items.filter((a) => a.id !== me) ?? [];
  if (!others.length) return null;
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (to) onTransfer(to);
      }}
    >
      <SelectField label={t('chats.transferTo')} value={to} onChange={(e) => setTo(e.target.value)}>
        <option value="">—</option>
        {others.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name}
          </option>
        ))}
      </SelectField>
      <button type="submit">{t('chats.transfer')}</button>
    </form>
  );
}
