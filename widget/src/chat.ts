/**
 * The panel's chat with the bot (guided flows included) and its contact form, both through the
 * widget-scoped proxies (`/api/v1/widget/conversations…`, `/api/v1/widget/escalate`). The conversation
 * id and token stay in this site's localStorage so the chat resumes after a reload.
 */
import { el, storedToken } from './dom.ts';
import type { AppContext } from './types.ts';

export interface Searched {
  at: string;
  query: string;
  topAnswerId?: string;
  abstained?: boolean;
}
export interface Viewed {
  at: string;
  articleId: string;
}
interface QuickReply {
  id: string;
  label: string;
}
interface Msg {
  from: string;
  text: string;
  answer?: { title: string; url: string };
}
interface Turn {
  conversationId: string;
  status: string;
  messages: Msg[];
  quickReplies: QuickReply[];
  token?: string;
}

export interface ChatDeps {
  ctx: AppContext;
  t: (key: string, n?: number) => string;
  /** Show this view in the panel body. */
  swap: (view: HTMLElement) => void;
  /** Back to the home view. */
  home: () => void;
  searches: Searched[];
  articles: Viewed[];
}

const FIELDS = ['subject', 'description', 'name', 'email'] as const;

export function chat({ ctx, t, swap, home, searches, articles }: ChatDeps) {
  const key = `relais:conv:${ctx.config.site}`;
  const { load, save } = storedToken(key);
  const visitor = { visitor: ctx.visitorId };
  const said: string[] = [];

  const backBtn = () => {
    const b = el('button', { type: 'button', class: 'lk bk', text: `← ${t('back')}` });
    b.onclick = home;
    return b;
  };

  // ── chat view ──
  const log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t('chatTitle') });
  const replies = el('div', { class: 'qr' });
  const input = el('input', { id: 'rl-m', type: 'text', autocomplete: 'off', maxlength: '1000' });
  const sendBtn = el('button', { type: 'submit', class: 'btn', text: t('send') });
  const form = el(
    'form',
    { class: 'f cf' },
    el('label', { for: 'rl-m', text: t('chatLabel') }),
    el('div', { class: 'row' }, input, sendBtn),
  );
  const status = el('p', { class: 'lv', role: 'status' });
  const heading = el('h3', { id: 'rl-chat', tabindex: '-1', text: t('chatTitle') });
  const formBtn = el('button', { type: 'button', class: 'lk', text: t('formOpen') });
  formBtn.onclick = () => openForm();
  const liveBtn = el('button', { type: 'button', class: 'lk', text: t('liveOpen'), hidden: '' });
  const view = el(
    'section',
    { class: 'chat', 'aria-labelledby': 'rl-chat' },
    backBtn(),
    heading,
    log,
    replies,
    form,
    status,
    formBtn,
    ' ',
    liveBtn,
  );

  function show(msgs: Msg[]) {
    for (const m of msgs) {
      if (!m.text) continue;
      const p = el('p', { class: `m ${m.from === 'customer' ? 'me' : 'bot'}` });
      // The bot's messages carry the company's assistant: its avatar, named for screen readers.
      const { avatarUrl, assistantName } = ctx.config.brand;
      if (m.from === 'bot' && avatarUrl)
        p.append(el('img', { class: 'av', src: avatarUrl, alt: assistantName }));
      p.append(m.text);
      if (m.answer) {
        p.append(
          ' ',
          el('a', { href: m.answer.url, target: '_blank', rel: 'noopener', text: m.answer.title }),
        );
      }
      if (m.from === 'customer') said.push(m.text);
      log.append(p);
    }
    // The panel's body is the one scroll area: bring the newest message into view.
    log.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
  }
  function offer(qr: QuickReply[]) {
    replies.replaceChildren(
      ...qr.map((q) => {
        const b = el('button', { type: 'button', class: 'q', text: q.label });
        b.onclick = () => {
          // A human: the form first, so the visitor checks the request and leaves an address.
          if (q.id === 'escalate') return openForm();
          void turn('choices', { choice: q.id }, q.label);
        };
        return b;
      }),
    );
  }

  let busy = false;
  async function turn(path: 'messages' | 'choices', body: Record<string, string>, echo: string) {
    if (busy) return;
    busy = true;
    status.textContent = '';
    show([{ from: 'customer', text: echo }]);
    replies.replaceChildren();
    try {
      let conv = load();
      let res = conv
        ? await ctx.api(
            `conversations/${conv.id}/${path}`,
            { method: 'POST', headers: { 'x-conversation-token': conv.token }, body: JSON.stringify(body) },
            visitor,
          )
        : undefined;
      if (!res || ((res.status === 404 || res.status === 409) && path === 'messages')) {
        // No conversation yet, or it was handed over / forgotten: a fresh one, with this question.
        const pageUrl = location.href.length <= 2000 ? location.href : undefined;
        res = await ctx.api(
          'conversations',
          {
            method: 'POST',
            body: JSON.stringify({ locale: ctx.config.locale, message: body.text ?? echo, pageUrl }),
          },
          visitor,
        );
      }
      if (!res.ok) throw new Error(String(res.status));
      const r = (await res.json()) as Turn;
      if (r.token) {
        conv = { id: r.conversationId, token: r.token };
        save(conv);
        // The greeting comes first; the visitor's own question is already shown.
        r.messages = r.messages.filter((m) => m.from !== 'customer');
      }
      show(r.messages);
      offer(r.quickReplies);
      if (r.status === 'escalated') save(undefined);
    } catch {
      status.textContent = t('error');
    } finally {
      busy = false;
    }
  }
  form.onsubmit = (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    void turn('messages', { text }, text);
  };

  let resumed = false;
  async function openChat(question?: string) {
    swap(view);
    if (!resumed) {
      resumed = true;
      const conv = load();
      if (conv) {
        const res = await ctx
          .api(`conversations/${conv.id}`, { headers: { 'x-conversation-token': conv.token } }, visitor)
          .catch(() => undefined);
        const r = res?.ok ? ((await res.json()) as Turn & { id: string }) : undefined;
        if (r && r.status !== 'escalated') {
          show(r.messages);
          offer(r.quickReplies);
        } else if (res && !res.ok && res.status < 500) save(undefined);
      }
    }
    if (question) void turn('messages', { text: question }, question);
    input.focus();
  }

  // ── contact form ──
  /** The form, prefilled from what the visitor typed (or from a live chat that could not start). */
  function openForm(prefill?: { subject: string; description: string }, intro?: string) {
    const lastSearch = searches.at(-1)?.query ?? '';
    const subject = prefill?.subject ?? (said[0] ?? lastSearch).slice(0, 200);
    const description = prefill?.description ?? (said.length ? said.join('\n') : lastSearch).slice(0, 10_000);
    const inputs: Partial<Record<(typeof FIELDS)[number], HTMLInputElement | HTMLTextAreaElement>> = {};
    const errors: Partial<Record<string, HTMLElement>> = {};
    const rows = FIELDS.map((f) => {
      const id = `rl-f-${f}`;
      const label = `field${f[0]!.toUpperCase()}${f.slice(1)}`;
      const field =
        f === 'description'
          ? el('textarea', { id, rows: '4', 'aria-describedby': `${id}-e` })
          : el('input', {
              id,
              type: f === 'email' ? 'email' : 'text',
              autocomplete: f === 'email' ? 'email' : f === 'name' ? 'name' : 'off',
              'aria-describedby': `${id}-e`,
            });
      if (f !== 'name') field.setAttribute('aria-required', 'true');
      field.value = f === 'subject' ? subject : f === 'description' ? description : '';
      inputs[f] = field;
      const err = el('p', { id: `${id}-e`, class: 'er' });
      errors[f] = err;
      return el('div', { class: 'fd' }, el('label', { for: id, text: t(label) }), field, err);
    });
    const note = el('p', { class: 'lv', role: 'status' });
    const submit = el('button', { type: 'submit', class: 'btn', text: t('formSubmit') });
    const formEl = el('form', { class: 'f ef', novalidate: '' }, ...rows, submit, note);
    const title = el('h3', { id: 'rl-form', tabindex: '-1', text: t('formTitle') });
    const section = el(
      'section',
      { 'aria-labelledby': 'rl-form' },
      backBtn(),
      title,
      el('p', { text: intro ?? t('formIntro') }),
      formEl,
    );
    ctx.event('widget.contact_clicked');
    swap(section);
    title.focus();

    let sending = false;
    formEl.onsubmit = async (e) => {
      e.preventDefault();
      if (sending) return;
      sending = true;
      note.textContent = '';
      for (const f of FIELDS) {
        inputs[f]?.removeAttribute('aria-invalid');
        errors[f]!.textContent = '';
      }
      const conv = load();
      const value = (f: (typeof FIELDS)[number]) => inputs[f]?.value.trim() ?? '';
      const pageUrl = location.href.length <= 2000 ? location.href : undefined;
      try {
        const res = await ctx.api(
          'escalate',
          {
            method: 'POST',
            headers: conv ? { 'x-conversation-token': conv.token } : {},
            body: JSON.stringify({
              subject: value('subject'),
              description: value('description'),
              ...(value('name') ? { name: value('name') } : {}),
              email: value('email'),
              locale: ctx.config.locale,
              pageUrl,
              searches: searches.slice(-100),
              articlesViewed: articles.slice(-100),
              selfServiceMs: Math.min(Date.now() - ctx.started, 7 * 24 * 3_600_000),
              ...(conv ? { conversationId: conv.id } : {}),
            }),
          },
          visitor,
        );
        const body = (await res.json()) as {
          reference?: string;
          estimatedResponseMinutes?: number;
          errors?: Array<{ field: string; message: string }>;
          field?: string;
          detail?: string;
        };
        if (res.status === 201 && body.reference) {
          save(undefined);
          resumed = false;
          log.replaceChildren();
          replies.replaceChildren();
          said.length = 0;
          const done = el('h3', {
            id: 'rl-done',
            tabindex: '-1',
            text: t('formSent').replace('{ref}', body.reference),
          });
          swap(
            el(
              'section',
              { class: 'a', 'aria-labelledby': 'rl-done' },
              done,
              el('p', { text: t('formEta', body.estimatedResponseMinutes ?? 0) }),
              backBtn(),
            ),
          );
          done.focus();
          return;
        }
        const issues = body.errors ?? (body.field ? [{ field: body.field, message: body.detail ?? '' }] : []);
        let first: HTMLElement | undefined;
        for (const issue of issues) {
          // `email`, or the contract's `context.customer.email`: the last segment names the field.
          const f = FIELDS.find((x) => x === issue.field.split('.').at(-1));
          const input = f && inputs[f];
          if (!f || !input) continue;
          input.setAttribute('aria-invalid', 'true');
          errors[f]!.textContent = issue.message;
          first ??= input;
        }
        note.textContent = first ? t('formInvalid') : t('error');
        first?.focus();
      } catch {
        note.textContent = t('error');
      } finally {
        sending = false;
      }
    };
  }

  return {
    openChat,
    openForm,
    /** Offers a live chat with what was said so far, while an advisor is available. */
    offerLive(available: boolean, open: (text: string) => void) {
      liveBtn.hidden = !available;
      liveBtn.onclick = () => open(said.join('\n').slice(0, 2000));
    },
  };
}
