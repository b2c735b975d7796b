/**
 * The help centre's live chat page (`/{locale}/contact/chat`): the widget's chat client (live-chat.ts)
 * mounted in the server-rendered `#live-chat` section, against the same-origin
 * `/api/v1/helpcentre/chats…` routes (the journey cookie links the chat; no widget token). Built by
 * widget/build.ts as a classic script, loaded under the page's nonce CSP. The chat survives reloads
 * and visits to other pages of the tab (sessionStorage).
 */
import { el, storedToken } from './dom.ts';
import { liveChat } from './live-chat.ts';

const root = document.getElementById('live-chat');
if (root) mount(root);

function mount(root: HTMLElement) {
  const strings = JSON.parse(root.dataset.strings ?? '{}') as Record<string, string>;
  const t = (key: string, n?: number) => (strings[key] ?? key).replace('{n}', String(n ?? ''));
  const locale = root.dataset.locale ?? document.documentElement.lang;
  const contact = root.dataset.contact ?? `/${locale}/contact`;
  const api = (path: string, init?: RequestInit, extra: Record<string, string> = {}) =>
    fetch(`/api/v1/helpcentre/${path}?${new URLSearchParams(extra)}`, {
      credentials: 'same-origin',
      ...init,
      headers: {
        'accept-language': locale,
        ...(init?.body ? { 'content-type': 'application/json' } : {}),
        ...(init?.headers as Record<string, string> | undefined),
      },
    });
  const chat = liveChat({
    endpoint: {
      api,
      socketUrl: (id) => {
        const url = new URL(`/api/v1/helpcentre/chats/${id}/socket`, location.href);
        url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
        return url;
      },
      locale,
      store: storedToken('relais:live:helpcentre', 'session'),
    },
    t,
    swap: (view) => root.replaceChildren(view),
    back: () => el('a', { class: 'lk bk', href: contact, text: `← ${t('back')}` }),
    // Nobody can take it after all: the contact form, with what was typed already in it.
    openForm: (prefill) => {
      const url = new URL(contact, location.href);
      url.searchParams.set('subject', prefill.subject);
      url.searchParams.set('description', prefill.description);
      location.assign(url.toString());
    },
    context: () => (location.href.length <= 2000 ? { pageUrl: location.href } : {}),
  });
  void chat.resume().then((resumed) => {
    // The server rendered the offer: no advisor online → its message and the form link stay.
    if (!resumed && root.dataset.available === 'true') chat.open();
  });
}
