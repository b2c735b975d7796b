/**
 * The widget's panel, imported by the loader on first open: search-as-you-type, instant answer,
 * article view, suggestions from contextual rules, the way to a human. Plain DOM, no framework:
 * every string comes from the config (localised, overridable per site).
 */
import { chat, type Searched, type Viewed } from './chat.ts';
import { adopt, el, storedToken } from './dom.ts';
import { liveChat } from './live-chat.ts';
import { PANEL_CSS } from './styles.ts';
import type { AppContext, Card, WidgetApp } from './types.ts';

type Hit = Card & { confidence: number };

export function mount(ctx: AppContext): WidgetApp {
  const { root, config } = ctx;
  const t = (key: string, n?: number) => (config.strings[key] ?? key).replace('{n}', String(n ?? ''));
  adopt(root, PANEL_CSS);
  const lang = config.locale;
  // The visitor id keys the customer's journey on the server: searches and articles reach the ticket.
  const visitor = { visitor: ctx.visitorId };

  const title = el('h2', { id: 'rl-title', text: t('title') });
  const closeBtn = el('button', { type: 'button', class: 'ic', 'aria-label': t('close'), text: '×' });
  const body = el('div', { class: 'b' });
  const panel = el(
    'div',
    { class: 'p', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'rl-title', lang, hidden: '' },
    el('div', { class: 'h' }, assistantHeader(config.brand, title), closeBtn),
    ...(config.statusBanner ? [el('p', { class: 'sb', role: 'note', text: config.statusBanner })] : []),
    ...(config.incident ? [incidentBanner(config.incident, t)] : []),
    body,
  );
  root.append(panel);

  const liveBtn = el('button', { type: 'button', class: 'btn', text: t('liveOpen'), hidden: '' });

  // ── home: greeting, search, live results, suggestions, contact ──
  const input = el('input', {
    id: 'rl-q',
    type: 'search',
    autocomplete: 'off',
    placeholder: t('searchPlaceholder'),
    'aria-describedby': 'rl-live',
  });
  const form = el(
    'form',
    { role: 'search', class: 'f' },
    el('label', { for: 'rl-q', text: t('searchLabel') }),
    input,
  );
  const live = el('p', { id: 'rl-live', class: 'lv', role: 'status', 'aria-live': 'polite' });
  const results = el('ul', { class: 'r', 'aria-label': t('searchLabel') });
  const answerBox = el('div', { class: 'ans' });
  const suggested = el('div');
  const home = el(
    'div',
    {},
    el('p', { class: 'g', text: t('greeting') }),
    form,
    live,
    answerBox,
    results,
    suggested,
    contact(),
  );
  let view: HTMLElement = home;
  body.append(home);

  // What the visitor did here, handed to the agent if they write to us.
  const searches: Searched[] = [];
  const articles: Viewed[] = [];
  const talk = chat({
    ctx,
    t,
    swap,
    home: () => {
      swap(home);
      input.focus();
    },
    searches,
    articles,
  });
  const advisor = liveChat({
    endpoint: {
      api: ctx.api,
      socketUrl: (id) => {
        const url = new URL(/* @vite-ignore */ `/api/v1/widget/chats/${id}/socket`, import.meta.url);
        url.searchParams.set('site', config.site);
        url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
        return url;
      },
      locale: config.locale,
      store: storedToken(`relais:live:${config.site}`, 'local'),
      startQuery: { visitor: ctx.visitorId },
    },
    t,
    swap,
    back: () => {
      const b = el('button', { type: 'button', class: 'lk bk', text: `← ${t('back')}` });
      b.onclick = () => {
        swap(home);
        input.focus();
      };
      return b;
    },
    openForm: (prefill, note) => talk.openForm(prefill, note),
    context: () => ({
      ...(location.href.length <= 2000 ? { pageUrl: location.href } : {}),
      searches: searches.slice(-100),
      articlesViewed: articles.slice(-100),
      selfServiceMs: Math.min(Date.now() - ctx.started, 7 * 24 * 3_600_000),
    }),
  });
  const chatBtn = el('button', { type: 'button', class: 'btn cb', text: t('chatOpen') });
  chatBtn.onclick = () => void talk.openChat(input.value.trim() || undefined);
  form.after(chatBtn);

  function contact() {
    const link = el('a', {
      href: config.contactUrl,
      target: '_blank',
      rel: 'noopener',
      text: t('contactLink'),
    });
    link.onclick = () => ctx.event('widget.contact_clicked');
    const write = el('button', { type: 'button', class: 'btn', text: t('formOpen') });
    write.onclick = () => talk.openForm();
    liveBtn.onclick = () => void advisor.open(input.value.trim() || searches.at(-1)?.query);
    return el(
      'section',
      { class: 'c', 'aria-labelledby': 'rl-ct' },
      el('h3', { id: 'rl-ct', text: t('contactTitle') }),
      el('p', { text: t('contactText') }),
      write,
      ' ',
      liveBtn,
      ' ',
      link,
    );
  }

  function cardList(cards: Card[], source: string) {
    return cards.map((c) => {
      const b = el(
        'button',
        { type: 'button', class: 'it' },
        el('span', { class: 'tt', text: c.title }),
        el('span', { class: 'sa', text: c.shortAnswer }),
      );
      b.onclick = () => {
        if (source === 'suggestion') ctx.event('widget.suggestion_clicked', { articleId: c.id });
        void showArticle(c.id);
      };
      return el('li', {}, b);
    });
  }

  function renderSuggestions() {
    const cards = ctx.suggestions();
    suggested.replaceChildren(
      ...(cards.length
        ? [
            el(
              'section',
              { class: 's', 'aria-labelledby': 'rl-sg' },
              el('h3', { id: 'rl-sg', text: t('suggested') }),
              el('ul', { class: 'r' }, ...cardList(cards, 'suggestion')),
            ),
          ]
        : []),
    );
  }

  // ── search-as-you-type: debounced, stale responses dropped ──
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | undefined;
  async function search(q: string, submitted: boolean) {
    inflight?.abort();
    answerBox.replaceChildren();
    if (!q.trim()) {
      results.replaceChildren();
      live.textContent = '';
      return;
    }
    const ac = new AbortController();
    inflight = ac;
    live.textContent = t('searching');
    try {
      if (submitted) {
        const res = await ctx.api(
          'answer',
          { method: 'POST', signal: ac.signal, body: JSON.stringify({ question: q, locale: lang }) },
          visitor,
        );
        const a = (await res.json()) as { answered: boolean; answer: Hit | null; candidates: Hit[] };
        searches.push({
          at: new Date().toISOString(),
          query: q.slice(0, 500),
          ...(a.answer ? { topAnswerId: a.answer.id } : {}),
          abstained: !a.answered,
        });
        if (a.answer) {
          const read = el('button', { type: 'button', class: 'lk', text: t('readArticle') });
          const answer = a.answer;
          read.onclick = () => void showArticle(answer.id);
          answerBox.replaceChildren(
            el(
              'section',
              { class: 'a', 'aria-labelledby': 'rl-at' },
              el('h3', { id: 'rl-at', text: `${t('answer')} : ${answer.title}` }),
              el('p', { text: answer.shortAnswer }),
              read,
              helpful(answer.id, 'search'),
            ),
          );
        }
        showResults(
          a.candidates.filter((c) => c.id !== a.answer?.id),
          !a.answered,
        );
      } else {
        const res = await ctx.api(
          'search',
          { signal: ac.signal },
          { q, locale: lang, prefix: 'true', limit: '5', ...visitor },
        );
        const s = (await res.json()) as { results: Hit[] };
        showResults(s.results, s.results.length === 0);
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') live.textContent = t('error');
    }
  }
  function showResults(hits: Hit[], none: boolean) {
    results.replaceChildren(...cardList(hits, 'search'));
    live.textContent = none ? t('noResults') : t('results', hits.length);
  }
  input.oninput = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void search(input.value, false), 180);
  };
  form.onsubmit = (e) => {
    e.preventDefault();
    clearTimeout(timer);
    void search(input.value, true);
  };

  // ── article view ──
  async function showArticle(id: string) {
    const res = await ctx.api(`articles/${encodeURIComponent(id)}`, undefined, visitor);
    if (!res.ok) {
      live.textContent = t('error');
      return;
    }
    const a = (await res.json()) as Card & { bodyHtml: string };
    articles.push({ at: new Date().toISOString(), articleId: a.id });
    const back = el('button', { type: 'button', class: 'lk bk', text: `← ${t('back')}` });
    const content = el('div', { class: 'md' });
    // Sanitized by the server's renderer (the help centre's), never raw HTML from the page.
    content.innerHTML = a.bodyHtml;
    const heading = el('h3', { id: 'rl-art', tabindex: '-1', text: a.title });
    const article = el(
      'article',
      { class: 'art', 'aria-labelledby': 'rl-art', lang: a.locale },
      back,
      heading,
      el('p', { class: 'sa1', text: a.shortAnswer }),
      content,
      el('a', { href: a.url, target: '_blank', rel: 'noopener', text: t('openInHelpCentre') }),
      helpful(a.id, 'article'),
      contact(),
    );
    back.onclick = () => {
      swap(home);
      input.focus();
    };
    swap(article);
    heading.focus();
  }
  function swap(next: HTMLElement) {
    view.replaceWith(next);
    view = next;
  }

  // ── "was this helpful?", then (for a share of visitors) how easy it was: the effort score ──
  let asked = 0;
  function helpful(articleId: string, context: 'article' | 'search') {
    const id = `rl-hq${++asked}`;
    const yes = el('button', { type: 'button', class: 'q', text: t('helpfulYes') });
    const no = el('button', { type: 'button', class: 'q', text: t('helpfulNo') });
    const box = el(
      'div',
      { class: 'fb', role: 'group', 'aria-labelledby': id },
      el('p', { id, class: 'hq', text: t('helpfulQuestion') }),
      el('div', { class: 'qr' }, yes, no),
    );
    const vote = (isHelpful: boolean) => {
      const said = el('p', { role: 'status', text: t(isHelpful ? 'helpfulThanks' : 'helpfulSorry') });
      box.replaceChildren(said);
      void ctx.api(
        `articles/${encodeURIComponent(articleId)}/feedback`,
        { method: 'POST', body: JSON.stringify({ helpful: isHelpful }) },
        visitor,
      );
      const surveys = config.surveys;
      if (isHelpful && surveys?.ces && Math.random() < surveys.sampleRate) box.append(effort(context));
      said.focus();
    };
    yes.onclick = () => vote(true);
    no.onclick = () => vote(false);
    return box;
  }
  function effort(context: 'article' | 'search') {
    const id = `rl-ces${asked}`;
    const scale = el('div', { class: 'sc' });
    const box = el(
      'div',
      { class: 'ces', role: 'group', 'aria-labelledby': id },
      el('p', { id, class: 'hq', text: t('effortQuestion') }),
      scale,
      el('p', { class: 'se' }, el('span', { text: t('effortHard') }), el('span', { text: t('effortEasy') })),
    );
    for (let score = 1; score <= 7; score++) {
      const b = el('button', {
        type: 'button',
        class: 'q',
        text: String(score),
        'aria-label': `${score} / 7`,
      });
      b.onclick = () => {
        box.replaceChildren(el('p', { role: 'status', text: t('effortThanks') }));
        void ctx.api(
          'surveys',
          { method: 'POST', body: JSON.stringify({ kind: 'ces', score, context, locale: lang }) },
          visitor,
        );
      };
      scale.append(b);
    }
    return box;
  }

  // ── dialog behaviour: focus trap, Escape, arrows through results ──
  const focusables = () =>
    Array.from(
      panel.querySelectorAll<HTMLElement>('button, [href], input, textarea, [tabindex]:not([tabindex="-1"])'),
    ).filter((x) => !x.hidden && x.offsetParent !== null);
  panel.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
      return;
    }
    const active = root.activeElement as HTMLElement | null;
    if (e.key === 'Tab') {
      const all = focusables();
      const first = all[0];
      const last = all[all.length - 1];
      if (e.shiftKey && (active === first || active === panel || !active)) {
        e.preventDefault();
        last?.focus();
      } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first?.focus();
      }
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const items = Array.from(panel.querySelectorAll<HTMLElement>('.it'));
      if (!items.length || (active !== input && !items.includes(active!))) return;
      e.preventDefault();
      const i = active === input ? -1 : items.indexOf(active!);
      const next =
        e.key === 'ArrowDown' ? items[Math.min(i + 1, items.length - 1)] : i <= 0 ? input : items[i - 1];
      next?.focus();
    }
  });
  closeBtn.onclick = () => close();

  let opened = false;
  function open(query?: string) {
    opened = true;
    swap(home);
    renderSuggestions();
    panel.hidden = false;
    // A live chat in progress (reload, another page): straight back into it.
    if (!query && advisor.hasChat()) {
      void advisor.resume();
      return;
    }
    void advisor.available().then((on) => {
      liveBtn.hidden = !on;
      talk.offerLive(on, (text) => void advisor.open(text));
    });
    if (query) {
      input.value = query;
      void search(query, true);
    }
    input.focus();
  }
  function close() {
    if (!opened) return;
    opened = false;
    panel.hidden = true;
    ctx.event('widget.closed');
    ctx.onClose();
  }
  return { open, close, isOpen: () => opened };
}

/** The status page's open incident, with a link to follow it (strings `incident`, `incidentFollow`). */
function incidentBanner(incident: NonNullable<AppContext['config']['incident']>, t: (key: string) => string) {
  return el(
    'p',
    { class: 'sb', role: 'note' },
    el('strong', { text: `${t('incident')} ` }),
    `${incident.title} (${incident.status}) `,
    el('a', { href: incident.url, target: '_blank', rel: 'noopener', text: t('incidentFollow') }),
  );
}

/** The company's assistant in the panel header: its avatar and its name (branding, per locale). */
function assistantHeader(brand: AppContext['config']['brand'], title: HTMLElement) {
  const who = el('div', { class: 'who' });
  if (brand.avatarUrl) who.append(el('img', { class: 'av', src: brand.avatarUrl, alt: '' }));
  who.append(el('div', {}, title, el('span', { class: 'an', text: brand.assistantName })));
  return who;
}
