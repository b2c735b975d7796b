/**
 * The help centre's search-as-you-type: the header's search field becomes an ARIA combobox whose
 * list shows the best answers while the customer types (same-origin `GET /api/v1/search` with
 * `prefix=true`, which analytics does not count as a search). Arrows move through the answers, Enter
 * opens one, Escape closes the list; without JavaScript the form still submits to the search page.
 * Its words come from the page (`data-*` on the form), so this script carries no copy of its own.
 */
interface Hit {
  title: string;
  shortAnswer: string;
  url: string;
}

function setUp(form: HTMLFormElement) {
  const input = form.querySelector<HTMLInputElement>('input[name="q"]');
  if (!input) return;
  const locale = document.documentElement.lang || 'fr';
  const list = document.createElement('ul');
  list.id = 'q-suggestions';
  list.className = 'suggestions';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', form.dataset.suggestLabel ?? '');
  list.hidden = true;
  const live = document.createElement('p');
  live.className = 'visually-hidden';
  live.setAttribute('role', 'status');
  form.append(list, live);
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);

  let hits: Hit[] = [];
  let active = -1;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | undefined;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const mark = (i: number) => {
    active = i;
    for (const [n, li] of Array.from(list.children).entries()) {
      li.setAttribute('aria-selected', String(n === i));
    }
    if (i >= 0) input.setAttribute('aria-activedescendant', `q-option-${i}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const render = () => {
    list.replaceChildren(
      ...hits.map((h, i) => {
        const li = document.createElement('li');
        li.id = `q-option-${i}`;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        const a = document.createElement('a');
        a.href = h.url;
        a.tabIndex = -1;
        const title = document.createElement('span');
        title.className = 'suggestion-title';
        title.textContent = h.title;
        const answer = document.createElement('span');
        answer.className = 'suggestion-answer';
        answer.textContent = h.shortAnswer;
        a.append(title, answer);
        li.append(a);
        // Pointer down, not click: the input's blur would close the list first.
        li.addEventListener('mousedown', (e) => {
          e.preventDefault();
          location.assign(h.url);
        });
        return li;
      }),
    );
    const open = hits.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    live.textContent = (form.dataset.suggestCount ?? '{n}').replace('{n}', String(hits.length));
    mark(-1);
  };

  async function suggest(q: string) {
    inflight?.abort();
    if (q.trim().length < 2) {
      hits = [];
      close();
      return;
    }
    const ac = new AbortController();
    inflight = ac;
    const params = new URLSearchParams({ q, locale, prefix: 'true', limit: '5' });
    try {
      const res = await fetch(`/api/v1/search?${params}`, { signal: ac.signal, credentials: 'same-origin' });
      if (!res.ok) return;
      hits = ((await res.json()) as { results: Hit[] }).results;
      if (document.activeElement === input) render();
    } catch {
      // Aborted by the next keystroke, or offline: the form still works.
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void suggest(input.value), 150);
  });
  input.addEventListener('keydown', (e) => {
    if (list.hidden) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = hits.length;
      mark(e.key === 'ArrowDown' ? (active + 1) % n : active <= 0 ? n - 1 : active - 1);
    } else if (e.key === 'Enter' && active >= 0) {
      e.preventDefault();
      location.assign(hits[active]!.url);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
}

for (const form of Array.from(
  document.querySelectorAll<HTMLFormElement>('form.search[data-suggest-label]'),
)) {
  setUp(form);
}
