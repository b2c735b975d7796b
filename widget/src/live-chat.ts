/**
 * Live chat with an advisor: the one client of the customer side of the chat protocol, used by the
 * widget's panel (`/api/v1/widget/chats…`, the site's CORS, no cookies) and by the help centre's chat
 * page (`/api/v1/helpcentre/chats…`, same origin; helpcentre-chat.ts). WebSocket first; where it
 * cannot open, an event stream read with fetch plus POSTs (same frames, docs/api.md "Live chat"). The
 * chat id and resume token are kept by the surface (widget: the site's localStorage; help centre:
 * sessionStorage), so a reload or another page resumes it. Every text is set with textContent: never HTML.
 */
import { el, type storedToken } from './dom.ts';
import type { AppContext } from './types.ts';

interface Message {
  id: number;
  author: 'customer' | 'agent' | 'system';
  authorName: string | null;
  body: string;
}
interface View {
  id: string;
  status: 'waiting' | 'active' | 'ended' | 'timed_out';
  agent: { name: string } | null;
  position: number | null;
  estimatedWaitSeconds: number | null;
  agentReadId: number;
  messages: Message[];
  draft: { subject: string; description: string } | null;
}
type Frame = {
  type: string;
  chat?: View;
  message?: Message;
  on?: boolean;
  by?: string;
  messageId?: number;
  position?: number;
  estimatedWaitSeconds?: number;
};
interface Stored {
  id: string;
  token: string;
}

/** Where a surface's chat routes are and how it keeps the resume token. */
export interface ChatEndpoint {
  /** Calls `<chats base>/<path>` with the surface's query parameters and `extra`. */
  api: AppContext['api'];
  /** The WebSocket URL of a chat (`ws:`/`wss:`). */
  socketUrl(chatId: string): URL;
  locale: string;
  store: ReturnType<typeof storedToken>;
  /** Extra query parameters of the start request (the widget's visitor id). */
  startQuery?: Record<string, string>;
}

export interface LiveDeps {
  endpoint: ChatEndpoint;
  t: (key: string, n?: number) => string;
  swap: (view: HTMLElement) => void;
  back: () => HTMLElement;
  /** The contact form prefilled, when no chat could start: nothing typed is lost. */
  openForm: (prefill: { subject: string; description: string }, note: string) => void;
  context: () => Record<string, unknown>;
}

export function liveChat({ endpoint, t, swap, back, openForm, context }: LiveDeps) {
  const { load, save } = endpoint.store;
  const fmt = (k: string, name: string) => t(k).replace('{name}', name);

  const heading = el('h3', { id: 'rl-live-h', tabindex: '-1', text: t('liveTitle') });
  const state = el('p', { class: 'lv', role: 'status' });
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t('liveTitle') });
  const typing = el('p', { class: 'lv', 'aria-live': 'polite' });
  const input = el('input', { id: 'rl-lm', type: 'text', autocomplete: 'off', maxlength: '2000' });
  const form = el(
    'form',
    { class: 'f cf' },
    el('label', { for: 'rl-lm', text: t('chatLabel') }),
    el('div', { class: 'row' }, input, el('button', { type: 'submit', class: 'btn', text: t('send') })),
  );
  const endBtn = el('button', { type: 'button', class: 'lk', text: t('liveEnd') });
  const extra = el('div');
  const view = el(
    'section',
    { class: 'chat', 'aria-labelledby': 'rl-live-h' },
    back(),
    heading,
    state,
    log,
    typing,
    form,
    endBtn,
    extra,
  );

  let chat: Stored | undefined;
  let current: View | undefined;
  let agentName = '';
  let ws: WebSocket | undefined;
  let stream: AbortController | undefined;
  let retry = 0;
  const seen = new Set<number>();
  let readMark: HTMLElement | undefined;

  const call = (path: string, body?: unknown) =>
    endpoint.api(`chats/${chat!.id}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-chat-token': chat!.token },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  function send(frame: Record<string, unknown>, path: string, body: unknown) {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    else if (chat) void call(path, body).catch(() => {});
  }

  function notice(body: string): string {
    if (body === 'handoff.agent_joined') return fmt('liveJoined', agentName || t('liveAgent'));
    if (body === 'chat.transferred') return fmt('liveTransferred', agentName || t('liveAgent'));
    if (body === 'handoff.resolved') return t('liveEnded');
    if (body === 'handoff.wait_timeout_ticket_created') return t('liveTimeout');
    return '';
  }
  function show(m: Message) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    const text = m.author === 'system' ? notice(m.body) : m.body;
    if (!text) return;
    const p = el('p', { class: `m ${m.author === 'customer' ? 'me' : m.author === 'agent' ? 'bot' : 'sy'}` });
    if (m.author === 'agent' && m.authorName) {
      p.append(el('b', { text: `${m.authorName}${endpoint.locale === 'fr' ? '\u00a0: ' : ': '}` }));
    }
    p.append(text);
    p.dataset.id = String(m.id);
    log.append(p);
    // The panel's body is the one scroll area: bring the newest message into view.
    log.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
    if (m.author === 'agent' && !document.hidden)
      send({ type: 'read', messageId: m.id }, '/read', { messageId: m.id });
  }
  function markRead(id: number) {
    const mine = [...log.querySelectorAll<HTMLElement>('.me')]
      .filter((p) => Number(p.dataset.id) <= id)
      .at(-1);
    if (!mine) return;
    readMark?.remove();
    readMark = el('span', { class: 'rd', text: t('liveRead') });
    mine.after(readMark);
  }
  function waiting(position: number | null, seconds: number | null) {
    if (!position) return;
    state.textContent = `${t('liveWaiting', position)} ${t('liveWait', Math.max(1, Math.round((seconds ?? 60) / 60)))}`;
  }
  function apply(v: View) {
    current = v;
    agentName = v.agent?.name ?? agentName;
    for (const m of v.messages) show(m);
    markRead(v.agentReadId);
    if (v.status === 'waiting') waiting(v.position, v.estimatedWaitSeconds);
    else if (v.status === 'active') state.textContent = fmt('liveWith', agentName);
    else finished(v);
  }
  function onFrame(f: Frame) {
    retry = 0;
    if (f.type === 'state' && f.chat) apply(f.chat);
    else if (f.type === 'message' && f.message) {
      typing.textContent = '';
      show(f.message);
    } else if (f.type === 'typing')
      typing.textContent = f.on ? fmt('liveTyping', agentName || t('liveAgent')) : '';
    else if (f.type === 'read' && f.by === 'agent' && f.messageId) markRead(f.messageId);
    else if (f.type === 'queue' && f.position) waiting(f.position, f.estimatedWaitSeconds ?? null);
    else if (f.type === 'error') state.textContent = t('error');
  }

  function disconnect() {
    ws?.close();
    ws = undefined;
    stream?.abort();
    stream = undefined;
  }
  /** WebSocket; if it never opens, the event stream. Reconnects while the chat is open. */
  function connect() {
    if (!chat) return;
    const url = endpoint.socketUrl(chat.id);
    let opened = false;
    try {
      ws = new WebSocket(url);
    } catch {
      return void sse();
    }
    const socket = ws;
    // A socket that never opens — refused by the host's CSP (Chromium then fires no event at all) or
    // held by a proxy — gives way to the event stream.
    const giveUp = () => {
      if (opened || ws !== socket) return;
      ws = undefined;
      socket.onclose = null;
      socket.close();
      void sse();
    };
    const patience = setTimeout(giveUp, 3000);
    socket.onerror = giveUp;
    socket.onopen = () => {
      clearTimeout(patience);
      opened = true;
      socket.send(JSON.stringify({ type: 'hello', token: chat!.token }));
    };
    socket.onmessage = (e) => onFrame(JSON.parse(String(e.data)) as Frame);
    socket.onclose = (e) => {
      clearTimeout(patience);
      if (ws !== socket) return;
      ws = undefined;
      if (e.code === 4404) return forget();
      if (!opened) return giveUp();
      if (chat && current?.status !== 'ended' && current?.status !== 'timed_out') {
        setTimeout(connect, Math.min(10_000, 500 * 2 ** retry++));
      }
    };
  }
  async function sse() {
    if (!chat) return;
    stream = new AbortController();
    try {
      const res = await endpoint.api(`chats/${chat.id}/events`, {
        headers: { 'x-chat-token': chat.token },
        signal: stream.signal,
      });
      if (res.status === 404) return forget();
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          const line = buf
            .slice(0, i)
            .split('\n')
            .find((l) => l.startsWith('data: '));
          buf = buf.slice(i + 2);
          if (line) onFrame(JSON.parse(line.slice(6)) as Frame);
          i = buf.indexOf('\n\n');
        }
      }
    } catch {
      if (stream?.signal.aborted) return;
    }
    if (chat && current?.status !== 'ended' && current?.status !== 'timed_out')
      setTimeout(sse, Math.min(10_000, 500 * 2 ** retry++));
  }
  function forget() {
    disconnect();
    save();
    chat = undefined;
  }

  let typingOn = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  const setTyping = (on: boolean) => {
    if (on !== typingOn) send({ type: 'typing', on }, '/typing', { on });
    typingOn = on;
  };
  input.oninput = () => {
    setTyping(input.value.length > 0);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => setTyping(false), 3000);
  };
  form.onsubmit = (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    // A sent message ends "typing" — also the first one, typed before the chat existed.
    clearTimeout(typingTimer);
    typingOn = false;
    if (!chat) return void start(text);
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'message', text }));
    else
      void call('/messages', { text }).then(
        async (r) => {
          if (r.ok) show((await r.json()) as Message);
          else state.textContent = t('error');
        },
        () => {
          state.textContent = t('error');
        },
      );
  };
  endBtn.onclick = async () => {
    if (!chat) return;
    const r = await call('/end', {}).catch(() => undefined);
    if (r?.ok) apply((await r.json()) as View);
  };

  interface Availability {
    available: boolean;
    callback: boolean;
    callbackSlots: Array<{ start: string; label: string }>;
  }

  /** Ended: offer the transcript by e-mail. Timed out: the form or a callback, with the text kept. */
  function finished(v: View) {
    form.hidden = true;
    endBtn.hidden = true;
    typing.textContent = '';
    disconnect();
    state.textContent = v.status === 'ended' ? t('liveEnded') : t('liveTimeout');
    if (extra.childElementCount) return;
    if (v.status === 'ended') return void extra.append(satisfaction(), transcript());
    extra.append(fallback(v.draft?.description ?? ''));
  }
  function field(id: string, label: string, type = 'text') {
    const input = el('input', {
      id,
      type,
      autocomplete: type === 'email' ? 'email' : type === 'tel' ? 'tel' : 'off',
    });
    return { input, row: el('div', { class: 'fd' }, el('label', { for: id, text: label }), input) };
  }
  /** How satisfied the customer is (CSAT 1–5), asked once the chat has ended; the answer is anonymous. */
  function satisfaction() {
    const ended = chat;
    const scale = el('div', { class: 'sc' });
    const box = el(
      'div',
      { class: 'ces', role: 'group', 'aria-labelledby': 'rl-csat' },
      el('p', { id: 'rl-csat', class: 'hq', text: t('csatQuestion') }),
      scale,
      el('p', { class: 'se' }, el('span', { text: t('csatLow') }), el('span', { text: t('csatHigh') })),
    );
    for (let score = 1; score <= 5; score++) {
      const b = el('button', {
        type: 'button',
        class: 'q',
        text: String(score),
        'aria-label': `${score} / 5`,
      });
      b.onclick = async () => {
        if (!ended) return;
        const r = await endpoint
          .api(`chats/${ended.id}/rating`, {
            method: 'POST',
            headers: { 'x-chat-token': ended.token },
            body: JSON.stringify({ score }),
          })
          .catch(() => undefined);
        if (r?.ok) box.replaceChildren(el('p', { role: 'status', text: t('csatThanks') }));
      };
      scale.append(b);
    }
    return box;
  }
  function transcript() {
    const email = field('rl-te', t('fieldEmail'), 'email');
    const note = el('p', { class: 'lv', role: 'status' });
    const f = el(
      'form',
      { class: 'f' },
      email.row,
      el('button', { type: 'submit', class: 'btn', text: t('liveTranscript') }),
      note,
    );
    f.onsubmit = async (e) => {
      e.preventDefault();
      const r = await call('/transcript', email.input.value ? { email: email.input.value } : {}).catch(
        () => undefined,
      );
      note.textContent = r?.ok ? t('liveTranscriptSent') : t('formInvalid');
      if (r?.ok) forget();
    };
    return f;
  }
  function fallback(description: string) {
    const text = el('textarea', { id: 'rl-fd', rows: '4' });
    text.value = description;
    const email = field('rl-fe', t('fieldEmail'), 'email');
    const phone = field('rl-fp', t('fieldPhone'), 'tel');
    // The next callback slots in business hours, chosen from a list (filled once the offer is known).
    const when = slotField();
    const note = el('p', { class: 'lv', role: 'status' });
    const sendAs = (channel: 'form' | 'callback') => async () => {
      const added = text.value.trim() !== description.trim() ? text.value.trim() : undefined;
      const r = await call('/fallback', {
        channel,
        ...(email.input.value ? { email: email.input.value } : {}),
        ...(channel === 'callback' && phone.input.value ? { phone: phone.input.value } : {}),
        ...(channel === 'callback' && when.input.value ? { slot: when.input.value } : {}),
        ...(added ? { note: added } : {}),
      }).catch(() => undefined);
      const body = (await r?.json().catch(() => ({}))) as { reference?: string; detail?: string };
      if (r?.ok && body.reference) {
        forget();
        note.textContent = t('formSent').replace('{ref}', body.reference);
      } else note.textContent = body.detail ?? t('formInvalid');
    };
    const formBtn = el('button', { type: 'button', class: 'btn', text: t('formSubmit') });
    formBtn.onclick = sendAs('form');
    const callBtn = el('button', { type: 'button', class: 'btn', text: t('callbackOpen') });
    callBtn.onclick = sendAs('callback');
    // Callbacks only while they are offered (business hours): otherwise the form alone.
    for (const node of [phone.row, when.row, callBtn]) node.hidden = true;
    void offer().then((o) => {
      if (!o?.callback) return;
      when.input.replaceChildren(
        ...o.callbackSlots.map((s) => el('option', { value: s.start, text: s.label })),
      );
      for (const node of [phone.row, when.row, callBtn]) node.hidden = false;
    });
    return el(
      'div',
      { class: 'f' },
      el('div', { class: 'fd' }, el('label', { for: 'rl-fd', text: t('fieldDescription') }), text),
      email.row,
      formBtn,
      phone.row,
      when.row,
      callBtn,
      note,
    );
  }

  function reset() {
    disconnect();
    seen.clear();
    log.replaceChildren();
    extra.replaceChildren();
    state.textContent = '';
    typing.textContent = '';
    form.hidden = false;
    endBtn.hidden = false;
    current = undefined;
    agentName = '';
  }

  /** The chat view, empty: the first message starts the chat. */
  function compose() {
    reset();
    swap(view);
    state.textContent = t('contactText');
    input.focus();
  }

  /** Starts a chat with the first message; when nobody can take it, the form gets the text. */
  async function start(text: string) {
    reset();
    swap(view);
    heading.focus();
    state.textContent = t('searching');
    const res = await endpoint
      .api(
        'chats',
        { method: 'POST', body: JSON.stringify({ message: text, locale: endpoint.locale, ...context() }) },
        endpoint.startQuery,
      )
      .catch(() => undefined);
    if (res?.status === 201) {
      const v = (await res.json()) as View & { token: string };
      chat = { id: v.id, token: v.token };
      save(chat);
      apply(v);
      connect();
      input.focus();
      return;
    }
    openForm({ subject: text.slice(0, 200), description: text }, t('liveUnavailable'));
  }

  /** After a reload or on another page: the stored chat, if it is still there. */
  async function resume(): Promise<boolean> {
    const stored = load();
    if (!stored) return false;
    chat = stored;
    const res = await call('').catch(() => undefined);
    if (!res?.ok) {
      if (res && res.status < 500) forget();
      return false;
    }
    reset();
    const v = (await res.json()) as View;
    swap(view);
    apply(v);
    if (v.status === 'waiting' || v.status === 'active') connect();
    return true;
  }

  const offer = async () => {
    const r = await endpoint
      .api('chats/availability', {}, { locale: endpoint.locale })
      .catch(() => undefined);
    return r?.ok ? ((await r.json()) as Availability) : undefined;
  };
  const available = async () => Boolean((await offer())?.available);
  function slotField() {
    const input = el('select', { id: 'rl-fw' });
    return {
      input,
      row: el('div', { class: 'fd' }, el('label', { for: 'rl-fw', text: t('fieldTime') }), input),
    };
  }

  return {
    open: (text?: string) => (text ? start(text) : compose()),
    resume,
    available,
    hasChat: () => Boolean(load()),
  };
}
