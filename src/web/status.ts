import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Feed } from 'feed';
import { markdownToText, renderMarkdown } from '../modules/kb/markdown.ts';
import { pick, statusCopy } from '../modules/status/copy.ts';
import * as status from '../modules/status/service.ts';
import type { FullIncident, PageState } from '../modules/status/view.ts';
import { listIncidents } from '../modules/status/view.ts';
import { html, type SafeHtml, trusted } from './html.ts';
import { layout, type PageMeta, type Site } from './layout.ts';

/**
 * The public status page, server-rendered in the help centre's layout: `/{locale}/status` (overall
 * state, components with 90-day bars, active incidents and maintenance, subscription form), one page
 * per incident, the history and its RSS/Atom feeds, and the subscription confirm/unsubscribe pages.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOKEN = /^[\w-]{20,100}$/;
const HISTORY_LIMIT = 50;

export interface StatusPagesDeps {
  pageSite: (req: FastifyRequest<{ Params: { locale: string } }>) => Promise<Site | undefined>;
  sendPage: (reply: FastifyReply, body: string, status?: number) => FastifyReply;
  notFound: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

const dateTime = (d: Date, locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(d) +
  ' UTC';
const day = (iso: string, locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso));

function meta(
  site: Site,
  locale: string,
  title: string,
  path: (l: string) => string,
  description?: string,
): PageMeta {
  return {
    locale,
    title,
    description: description ?? statusCopy(locale).description,
    path: path(locale),
    alternates: site.locales.map((l) => ({ locale: l, path: path(l) })),
  };
}

const markdown = (text: string) => trusted(renderMarkdown(text));

function incidentCard(locale: string, f: FullIncident, heading: 'h2' | 'h3' = 'h3'): SafeHtml {
  const c = statusCopy(locale);
  const i = f.incident;
  const latest = f.updates[0];
  const title = pick(i.titles, locale);
  const link = html`<a href="${status.incidentPath(locale, i.id)}">${title}</a>`;
  return html`<article class="status-incident impact-${i.kind === 'maintenance' ? 'under_maintenance' : worstOf(f)}">
${heading === 'h2' ? html`<h2>${link}</h2>` : html`<h3>${link}</h3>`}
<p><strong>${c.status[i.status]}</strong>${i.scheduledFor && i.scheduledUntil ? html` · ${c.window(dateTime(i.scheduledFor, locale), dateTime(i.scheduledUntil, locale))}` : ''}</p>
${latest ? html`<div class="body">${markdown(pick(latest.bodies, locale))}</div><p class="muted"><time datetime="${latest.createdAt.toISOString()}">${dateTime(latest.createdAt, locale)}</time></p>` : ''}
</article>`;
}

const SEVERITY = [
  'operational',
  'under_maintenance',
  'degraded_performance',
  'partial_outage',
  'major_outage',
];
const worstOf = (f: FullIncident) =>
  f.impacts.reduce(
    (w, i) => (SEVERITY.indexOf(i.impact) > SEVERITY.indexOf(w) ? i.impact : w),
    'operational',
  );

function bars(locale: string, name: string, days: PageState['components'][number]['bars']): SafeHtml {
  const c = statusCopy(locale);
  const disturbed = days.filter((d) => d.impact !== 'operational').length;
  return html`<div class="status-bars" role="img" aria-label="${c.barsLabel(name, days.length, disturbed)}">${days.map(
    (d) =>
      html`<span class="bar impact-${d.impact}" title="${c.dayLabel(day(d.date, locale), c.impact[d.impact])}"></span>`,
  )}</div><p class="status-bars-legend muted" aria-hidden="true"><span>${c.ago}</span><span>${c.today}</span></p>`;
}

function statusPage(site: Site, locale: string, state: PageState, subscribed: boolean): string {
  const c = statusCopy(locale);
  const grouped = [
    ...state.groups.map((g) => ({
      name: pick(g.names, locale),
      items: state.components.filter((x) => x.component.groupId === g.id),
    })),
    {
      name: '',
      items: state.components.filter(
        (x) => !x.component.groupId || !state.groups.some((g) => g.id === x.component.groupId),
      ),
    },
  ].filter((g) => g.items.length);
  const main = html`<h1>${c.title}</h1>
<p class="status-overall indicator-${state.indicator}" role="status">${c.overall[state.indicator]}</p>
${state.incidents.length ? html`<section aria-labelledby="st-incidents"><h2 id="st-incidents">${c.activeIncidents}</h2>${state.incidents.map((f) => incidentCard(locale, f))}</section>` : ''}
${state.maintenance.length ? html`<section aria-labelledby="st-maintenance"><h2 id="st-maintenance">${c.maintenance}</h2>${state.maintenance.map((f) => incidentCard(locale, f))}</section>` : ''}
<section aria-labelledby="st-components"><h2 id="st-components">${c.components}</h2>
${grouped.map(
  (g) =>
    html`${g.name ? html`<h3>${g.name}</h3>` : ''}<ul class="status-components">${g.items.map((x) => {
      const name = pick(x.component.names, locale);
      return html`<li class="status-component"><div class="status-component-head"><span class="status-name">${name}</span> <span class="status-label impact-${x.status}">${c.impact[x.status]}</span></div>${bars(locale, name, x.bars)}</li>`;
    })}</ul>`,
)}
</section>
<p><a href="/${locale}/status/history">${c.viewHistory}</a> · <a href="/${locale}/status/history.rss">RSS</a> · <a href="/${locale}/status/history.atom">Atom</a></p>
<section aria-labelledby="st-subscribe" class="status-subscribe"><h2 id="st-subscribe">${c.subscribe}</h2>
${subscribed ? html`<p class="notice" role="status">${c.subscribed}</p>` : ''}
<p>${c.subscribeHelp}</p>
<form method="post" action="/${locale}/status/subscribe">
<fieldset class="status-choice"><legend>${c.subscribeWhich}</legend>${state.components.map(
    (x) =>
      html`<label><input type="checkbox" name="component-${x.component.id}" value="on"> ${pick(x.component.names, locale)}</label>`,
  )}</fieldset>
<label for="st-email">${c.email}</label>
<div class="search-row"><input id="st-email" name="email" type="email" autocomplete="email" required maxlength="254"><button type="submit">${c.subscribeButton}</button></div></form>
</section>`;
  return layout(site, { ...meta(site, locale, c.title, (l) => `/${l}/status`), noindex: false }, main);
}

function incidentPage(
  site: Site,
  locale: string,
  f: FullIncident,
  components: PageState['components'],
): string {
  const c = statusCopy(locale);
  const i = f.incident;
  const title = pick(i.titles, locale);
  const affected = components.filter((x) => f.impacts.some((m) => m.componentId === x.component.id));
  const main = html`<nav class="breadcrumbs" aria-label="${locale.startsWith('fr') ? 'Fil d’Ariane' : 'Breadcrumb'}"><ol><li><a href="/${locale}/status">${c.title}</a></li><li><a href="${status.incidentPath(locale, i.id)}" aria-current="page">${title}</a></li></ol></nav>
<h1>${title}</h1>
<p class="status-label impact-${i.kind === 'maintenance' ? 'under_maintenance' : worstOf(f)}">${c.status[i.status]}</p>
${i.scheduledFor && i.scheduledUntil ? html`<p>${c.window(dateTime(i.scheduledFor, locale), dateTime(i.scheduledUntil, locale))}</p>` : ''}
${
  affected.length
    ? html`<h2>${c.affected}</h2><ul>${affected.map((x) => {
        const impact = f.impacts.find((m) => m.componentId === x.component.id)!.impact;
        return html`<li>${pick(x.component.names, locale)} — ${c.impact[i.kind === 'maintenance' ? 'under_maintenance' : impact]}</li>`;
      })}</ul>`
    : ''
}
<h2>${c.updates}</h2>
<ol class="status-updates">${f.updates.map(
    (u) =>
      html`<li><p><strong>${c.status[u.status]}</strong> · <time datetime="${u.createdAt.toISOString()}">${dateTime(u.createdAt, locale)}</time></p><div class="body">${markdown(pick(u.bodies, locale))}</div></li>`,
  )}</ol>
${pick(i.postmortems, locale) ? html`<h2>${c.postmortem}</h2><div class="body">${markdown(pick(i.postmortems, locale))}</div>` : ''}
<p><a href="/${locale}/status">${c.title}</a> · <a href="/${locale}/status/history">${c.history}</a></p>`;
  return layout(
    site,
    meta(
      site,
      locale,
      title,
      (l) => status.incidentPath(l, i.id),
      markdownToText(pick(f.updates[0]?.bodies, locale)).slice(0, 160) || title,
    ),
    main,
  );
}

function historyPage(site: Site, locale: string, items: FullIncident[]): string {
  const c = statusCopy(locale);
  const main = html`<h1>${c.historyTitle}</h1>
<p><a href="/${locale}/status/history.rss">RSS</a> · <a href="/${locale}/status/history.atom">Atom</a></p>
${items.length ? items.map((f) => incidentCard(locale, f, 'h2')) : html`<p>${c.noHistory}</p>`}`;
  return layout(
    site,
    meta(site, locale, c.historyTitle, (l) => `/${l}/status/history`),
    main,
  );
}

function messagePage(site: Site, locale: string, title: string, body: SafeHtml, path: string): string {
  return layout(
    site,
    { locale, title, description: title, path, alternates: [], noindex: true },
    html`<h1>${title}</h1>${body}`,
  );
}

/** When an incident last changed for customers: its latest update. */
const lastChange = (x: FullIncident) => x.updates[0]?.createdAt ?? x.incident.updatedAt;

function feed(site: Site, locale: string, items: FullIncident[]) {
  const c = statusCopy(locale);
  const base = `${site.publicUrl}/${locale}/status`;
  const f = new Feed({
    title: `${site.branding.name} — ${c.historyTitle}`,
    description: c.description,
    id: `${base}/history`,
    link: `${base}/history`,
    language: locale,
    updated: items.reduce((a, x) => (lastChange(x) > a ? lastChange(x) : a), new Date(0)),
    copyright: site.branding.name,
    feedLinks: { rss: `${base}/history.rss`, atom: `${base}/history.atom` },
  });
  for (const x of items) {
    const i = x.incident;
    const link = `${site.publicUrl}${status.incidentPath(locale, i.id)}`;
    const updates = x.updates
      .map(
        (u) =>
          `<p><strong>${c.status[u.status]}</strong> — ${dateTime(u.createdAt, locale)}</p>${renderMarkdown(pick(u.bodies, locale))}`,
      )
      .join('');
    f.addItem({
      title: `${pick(i.titles, locale)} (${c.status[i.status]})`,
      id: link,
      link,
      description: markdownToText(pick(x.updates[0]?.bodies, locale)).slice(0, 300),
      content: updates,
      date: lastChange(x),
      published: i.startedAt ?? i.createdAt,
    });
  }
  return f;
}

type Req = FastifyRequest<{
  Params: { locale: string; id?: string };
  Querystring: Record<string, string | undefined>;
}>;

export async function statusPages(app: FastifyInstance, deps: StatusPagesDeps) {
  const { pageSite, sendPage, notFound } = deps;
  const page = { config: { access: 'public' as const }, schema: { hide: true } };
  const form = {
    config: { access: 'public' as const, rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: { hide: true },
  };
  const history = () => listIncidents(app.db, { limit: HISTORY_LIMIT });

  app.get('/:locale/status', page, async (req: Req, reply) => {
    const s = await pageSite(req);
    if (!s) return notFound(req, reply);
    const state = await status.pageState(app.db);
    return sendPage(reply, statusPage(s, req.params.locale, state, req.query.subscribed === '1'));
  });

  app.get('/:locale/status/incidents/:id', page, async (req: Req, reply) => {
    const s = await pageSite(req);
    const id = req.params.id ?? '';
    if (!s || !UUID.test(id)) return notFound(req, reply);
    const [f, state] = await Promise.all([status.loadIncident(app.db, id), status.pageState(app.db)]);
    if (!f) return notFound(req, reply);
    return sendPage(reply, incidentPage(s, req.params.locale, f, state.components));
  });

  app.get('/:locale/status/history', page, async (req: Req, reply) => {
    const s = await pageSite(req);
    if (!s) return notFound(req, reply);
    return sendPage(reply, historyPage(s, req.params.locale, await history()));
  });

  for (const [ext, type] of [
    ['rss', 'application/rss+xml'],
    ['atom', 'application/atom+xml'],
  ] as const) {
    app.get(`/:locale/status/history.${ext}`, page, async (req: Req, reply) => {
      const s = await pageSite(req);
      if (!s) return notFound(req, reply);
      const f = feed(s, req.params.locale, await history());
      return reply
        .header('cache-control', 'public, max-age=60')
        .type(`${type}; charset=utf-8`)
        .send(ext === 'rss' ? f.rss2() : f.atom1());
    });
  }

  app.post('/:locale/status/subscribe', form, async (req: Req, reply) => {
    const s = await pageSite(req);
    if (!s) return notFound(req, reply);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    // Same redirect whatever the address: the page never tells whether it is known.
    if (/^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,}$/.test(email)) {
      // One checkbox per component (`component-<id>`): none ticked means every component.
      const componentIds = Object.keys(body)
        .map((k) => /^component-([0-9a-f-]{36})$/.exec(k)?.[1])
        .filter((id): id is string => Boolean(id && UUID.test(id)))
        .slice(0, 100);
      await status.subscribe(app.db, { email, locale: req.params.locale, componentIds });
    }
    return reply.redirect(`/${req.params.locale}/status?subscribed=1#st-subscribe`, 303);
  });

  // Confirm and unsubscribe: GET shows a button, POST acts — mail scanners that follow links change nothing.
  for (const action of ['confirm', 'unsubscribe'] as const) {
    app.get(`/:locale/status/subscriptions/${action}`, page, async (req: Req, reply) => {
      const s = await pageSite(req);
      if (!s) return notFound(req, reply);
      const locale = req.params.locale;
      const c = statusCopy(locale);
      const token = req.query.token ?? '';
      const path = `/${locale}/status/subscriptions/${action}`;
      if (!TOKEN.test(token))
        return sendPage(reply, messagePage(s, locale, c.invalidLink, html``, path), 404);
      const [title, text, button] =
        action === 'confirm'
          ? [c.confirmTitle, c.confirmBody, c.confirmButton]
          : [c.unsubscribeTitle, c.unsubscribeBody, c.unsubscribeButton];
      return sendPage(
        reply,
        messagePage(
          s,
          locale,
          title,
          html`<p>${text}</p><form method="post" action="${path}"><input type="hidden" name="token" value="${token}"><button type="submit">${button}</button></form>`,
          path,
        ),
      );
    });

    app.post(`/:locale/status/subscriptions/${action}`, form, async (req: Req, reply) => {
      const s = await pageSite(req);
      if (!s) return notFound(req, reply);
      const locale = req.params.locale;
      const c = statusCopy(locale);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const token = typeof body.token === 'string' && TOKEN.test(body.token) ? body.token : '';
      const path = `/${locale}/status/subscriptions/${action}`;
      if (action === 'unsubscribe') {
        if (token) await status.unsubscribe(app.db, token);
        return sendPage(
          reply,
          messagePage(
            s,
            locale,
            c.unsubscribed,
            html`<p><a href="/${locale}/status">${c.title}</a></p>`,
            path,
          ),
        );
      }
      const ok = token ? await status.confirmSubscription(app.db, token) : false;
      return sendPage(
        reply,
        messagePage(
          s,
          locale,
          ok ? c.confirmed : c.invalidLink,
          html`<p><a href="/${locale}/status">${c.title}</a></p>`,
          path,
        ),
        ok ? 200 : 404,
      );
    });
  }
}
