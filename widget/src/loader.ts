/**
 * The only script a host page loads (`<script src="…/widget.js" data-relais-site="…" async>`): a
 * launcher button and the rules engine for contextual help, in a Shadow DOM. The panel (search,
 * articles, escalation) is `app.js`, imported on first open. Defines nothing but `window.Relais`.
 */
import { adopt, urlMatches } from './dom.ts';
import type { AppContext, Card, ClientRule, WidgetApp, WidgetConfig } from './types.ts';

type Call = [string, unknown[]];
interface RelaisApi {
  q?: Call[];
  loaded?: boolean;
  [method: string]: unknown;
}
interface Identity {
  id: string;
  email?: string;
  segments?: string[];
  issuedAt: number;
  signature: string;
}

const LOADER_CSS = `:host{all:initial!important;position:fixed!important;width:0!important;height:0!important;z-index:2147483000!important}
.l,.n{position:fixed;right:20px;bottom:20px;font:600 15px/1.3 system-ui,-apple-system,"Segoe UI",sans-serif;box-sizing:border-box}
.l{display:flex;align-items:center;gap:8px;padding:12px 18px;border:0;border-radius:24px;background:var(--rl-brand,#0b3d91);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25)}
.l:focus-visible,.n button:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}
.l[hidden],.n[hidden]{display:none}
.n{bottom:76px;max-width:300px;padding:14px 40px 14px 14px;border-radius:12px;background:#fff;color:#1d1d1f;font-weight:400;box-shadow:0 6px 24px rgba(0,0,0,.22);border:1px solid #d0d5dd}
.n p{margin:0 0 10px}.n .o{font:inherit;font-weight:600;padding:6px 12px;border-radius:6px;border:0;background:var(--rl-brand,#0b3d91);color:#fff;cursor:pointer}
.n .x{position:absolute;top:6px;right:6px;width:28px;height:28px;border:0;background:none;color:#444;font:20px/1 system-ui;cursor:pointer}`;

function store(area: 'localStorage' | 'sessionStorage') {
  try {
    return window[area];
  } catch {
    return undefined;
  }
}

(() => {
  const w = window as unknown as { Relais?: RelaisApi };
  const queued = w.Relais;
  if (queued?.loaded) return;
  const script = (document.currentScript ??
    document.querySelector('script[data-relais-site]')) as HTMLScriptElement | null;
  const site = script?.dataset.relaisSite;
  if (!script || !site) return;
  const origin = new URL(script.src).origin;
  const lang = (document.documentElement.lang || navigator.language || 'en').slice(0, 2).toLowerCase();
  const locale = /^[a-z]{2}$/.test(lang) ? lang : 'en';

  const local = store('localStorage');
  const session = store('sessionStorage');
  let visitorId = local?.getItem('relais:vid') ?? '';
  if (!/^[\w-]{8,64}$/.test(visitorId)) {
    visitorId = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    local?.setItem('relais:vid', visitorId);
  }
  let visits = Number(local?.getItem('relais:visits') ?? 0);
  if (!session?.getItem('relais:visit')) {
    visits += 1;
    local?.setItem('relais:visits', String(visits));
    session?.setItem('relais:visit', '1');
  }

  /** When this page view started; a single-page app's route change starts a new one. */
  let started = Date.now();
  let pageHref = location.href;
  const state = {
    tags: [] as string[],
    events: new Set<string>(),
    segments: [] as string[],
    token: '',
    nudged: false,
  };
  let config: WidgetConfig | undefined;
  let app: WidgetApp | undefined;
  let opening: Promise<WidgetApp | undefined> | undefined;
  let returnFocus: Element | null = null;

  const api = (path: string, init?: RequestInit, extra: Record<string, string> = {}) => {
    const q = new URLSearchParams({ site, ...extra });
    if (state.token) q.set('token', state.token);
    return fetch(`${origin}/api/v1/widget/${path}${path.includes('?') ? '&' : '?'}${q}`, {
      credentials: 'omit',
      ...init,
      headers: {
        // Problems (a wrong e-mail in the form…) come back in the widget's language.
        'accept-language': locale,
        ...(init?.body ? { 'content-type': 'application/json' } : {}),
        ...(init?.headers as Record<string, string> | undefined),
      },
    });
  };
  const event = (type: string, extra: Record<string, string> = {}) => {
    void api('events', {
      method: 'POST',
      keepalive: true,
      body: JSON.stringify({ type, visitorId, locale, ...extra }),
    }).catch(() => {});
  };

  // ── the shadow root: nothing of the host's CSS gets in, nothing of ours gets out ──
  const host = document.createElement('relais-widget');
  const root = host.attachShadow({ mode: 'open' });
  adopt(root, LOADER_CSS);
  const launcher = document.createElement('button');
  launcher.className = 'l';
  launcher.type = 'button';
  launcher.hidden = true;
  launcher.setAttribute('aria-haspopup', 'dialog');
  launcher.setAttribute('aria-expanded', 'false');
  const nudge = document.createElement('div');
  nudge.className = 'n';
  nudge.hidden = true;
  nudge.setAttribute('role', 'status');
  root.append(nudge, launcher);

  const matches = (r: ClientRule) => {
    const c = r.when;
    const secs = (Date.now() - started) / 1000;
    return (
      (!c.urlPattern || urlMatches(c.urlPattern, location)) &&
      (!c.pageTags || c.pageTags.some((t) => state.tags.includes(t))) &&
      (!c.segments || c.segments.some((s) => state.segments.includes(s))) &&
      (!c.event || state.events.has(c.event)) &&
      (!c.minSecondsOnPage || secs >= c.minSecondsOnPage) &&
      (!c.minVisits || visits >= c.minVisits)
    );
  };
  const matching = () => config?.rules.filter(matches) ?? [];
  const suggestions = (): Card[] => {
    const seen = new Set<string>();
    return matching()
      .flatMap((r) => r.articles)
      .filter((a) => !seen.has(a.id) && seen.add(a.id))
      .slice(0, 5);
  };

  const coolKey = (r: ClientRule) => `relais:nudge:${r.id}`;
  const cooling = (r: ClientRule) =>
    Date.now() - Number(local?.getItem(coolKey(r)) ?? 0) < r.cooldownHours * 3_600_000;

  /** At most one nudge per page view, never while the panel is open, never inside a rule's cooldown. */
  function evaluate() {
    if (!config || state.nudged || app?.isOpen()) return;
    const rule = matching().find((r) => r.show === 'nudge' && !cooling(r));
    if (rule) showNudge(rule);
  }

  function showNudge(rule: ClientRule) {
    if (!config) return;
    state.nudged = true;
    local?.setItem(coolKey(rule), String(Date.now()));
    const s = config.strings;
    const text = document.createElement('p');
    text.textContent = rule.message ?? s.suggested ?? '';
    const openBtn = document.createElement('button');
    openBtn.type = 'button';
    openBtn.className = 'o';
    openBtn.textContent = s.nudgeOpen ?? '';
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'x';
    dismiss.textContent = '×';
    dismiss.setAttribute('aria-label', s.nudgeDismiss ?? '');
    openBtn.onclick = () => {
      event('widget.nudge_clicked', { ruleId: rule.id });
      nudge.hidden = true;
      void open();
    };
    dismiss.onclick = () => {
      event('widget.nudge_dismissed', { ruleId: rule.id });
      nudge.hidden = true;
      launcher.focus();
    };
    nudge.replaceChildren(text, openBtn, dismiss);
    nudge.hidden = false;
    event('widget.nudge_shown', { ruleId: rule.id });
  }

  /** A single-page app moved to another URL: a new page view (its own nudge, time on page, URL rules). */
  function pageView() {
    if (location.href === pageHref) return;
    pageHref = location.href;
    started = Date.now();
    state.nudged = false;
    nudge.hidden = true;
    scheduleTimers();
    evaluate();
  }

  function scheduleTimers() {
    for (const r of config?.rules ?? []) {
      const s = r.when.minSecondsOnPage;
      if (s) setTimeout(evaluate, Math.max(0, s * 1000 - (Date.now() - started)) + 50);
    }
  }

  async function open(query?: string) {
    if (app?.isOpen()) return;
    const active = document.activeElement;
    returnFocus = active === host || !active || active === document.body ? launcher : active;
    opening ??= import(/* @vite-ignore */ `${origin}/widget/app.js`).then(
      (m: { mount: (ctx: AppContext) => WidgetApp }) =>
        config
          ? m.mount({
              root,
              config,
              api,
              suggestions,
              event,
              visitorId,
              started,
              onClose: () => {
                launcher.setAttribute('aria-expanded', 'false');
                launcher.hidden = false;
                (returnFocus instanceof HTMLElement ? returnFocus : launcher).focus();
              },
            })
          : undefined,
    );
    app = await opening;
    if (!app) return;
    nudge.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.hidden = true;
    app.open(query);
    event('widget.opened');
  }
  launcher.onclick = () => void open();

  async function identify(claims: Identity) {
    const res = await api('identify', { method: 'POST', body: JSON.stringify(claims) }).catch(
      () => undefined,
    );
    if (!res?.ok) return false; // unsigned or forged: stay anonymous
    const body = (await res.json()) as { token: string; segments: string[] };
    state.token = body.token;
    state.segments = body.segments;
    evaluate();
    return true;
  }

  const methods: Record<string, (...args: never[]) => unknown> = {
    open: () => open(),
    close: () => app?.close(),
    identify,
    track: (name: string) => {
      state.events.add(String(name));
      evaluate();
    },
    /** For single-page apps in browsers without the Navigation API: call after each route change. */
    page: pageView,
    setPageTags: (tags: string[]) => {
      state.tags = Array.isArray(tags) ? tags.map(String) : [];
      evaluate();
    },
    /** `trigger('search', {query})` opens with a question; `trigger('rule', {id})` shows that rule now. */
    trigger: (name: string, data: { query?: string; id?: string } = {}) => {
      if (name === 'search') return open(data.query);
      const rule = config?.rules.find((r) => r.id === data.id);
      if (name === 'rule' && rule) return rule.show === 'nudge' ? showNudge(rule) : open();
      methods.track?.(name as never);
    },
  };
  const api2: RelaisApi = { loaded: true };
  for (const [name, fn] of Object.entries(methods)) api2[name] = fn;
  w.Relais = api2;

  void fetch(`${origin}/api/v1/widget/config?${new URLSearchParams({ site, locale })}`, {
    credentials: 'omit',
  })
    .then((r) => (r.ok ? (r.json() as Promise<WidgetConfig>) : undefined))
    .then((c) => {
      if (!c) return;
      config = c;
      // The help centre's colour by default; a host rule such as \`relais-widget{--rl-brand:#123456}\`
      // outranks :host, so a site's own choice still wins.
      if (/^#[0-9a-f]{3,8}$/i.test(c.brand?.color ?? '')) adopt(root, `:host{--rl-brand:${c.brand.color}}`);
      launcher.textContent = c.strings.launcher ?? '';
      launcher.hidden = false;
      document.body.append(host);
      // Calls made before the loader ran (the queue stub) run now, in order.
      for (const [name, args] of queued?.q ?? []) methods[name]?.(...(args as never[]));
      // Route changes of single-page apps (history.pushState included) where the Navigation API exists;
      // elsewhere the host calls Relais.page(). Nothing of the host's is wrapped or patched.
      addEventListener('popstate', pageView);
      (w as { navigation?: EventTarget }).navigation?.addEventListener('currententrychange', pageView);
      scheduleTimers();
      evaluate();
      // A live chat in progress follows the visitor across reloads and pages of the site.
      try {
        if (localStorage.getItem(`relais:live:${site}`)) void open();
      } catch {}
    })
    .catch(() => {});
})();
