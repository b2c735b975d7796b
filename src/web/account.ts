/**
 * The customer portal, `/{locale}/account`: magic-link sign-in, my requests (thread, reply, close,
 * rate), my data (download, consents, delete my account), sign out. Server-rendered in the help
 * centre's layout, no JavaScript. Customer routes declare `access: 'customer'` (the auth plugin reads
 * only the `relais_customer` cookie there and checks the `_csrf` field on every post); every ticket is
 * looked up by the signed-in account and its reference, never by an id from the request.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  finishOidcSignIn,
  OIDC_CALLBACK_PATH,
  OidcSignInError,
  pendingLocale,
  readOidcSettings,
  startOidcSignIn,
} from '../modules/customers/oidc.ts';
import {
  CONSENT_KEYS,
  deleteCustomerAccount,
  exportCustomerData,
  findCustomer,
  rateTicketOnce,
  setConsent,
} from '../modules/customers/service.ts';
import {
  type CustomerSession,
  consumeSignInLink,
  requestSignInLink,
  signOutCustomer,
} from '../modules/customers/sign-in.ts';
import {
  accountTicketView,
  closeAccountTicket,
  listAccountTickets,
  replyToAccountTicket,
} from '../modules/escalation/accounts.ts';
import { requestJourneyId } from '../modules/journey/cookie.ts';
import { recentlyViewedArticleIds } from '../modules/journey/service.ts';
import { findArticlesForDisplay } from '../modules/kb/service.ts';
import { CSRF_FIELD, clearCustomerCookie, setCustomerCookie } from '../server/auth.ts';
import { AppError, NotFoundError, sendProblem, UnauthorizedError } from '../server/errors.ts';
import accountActionPages from './account-actions.ts';
import { type AccountCopy, accountCopy } from './account-copy.ts';
import { html, type SafeHtml } from './html.ts';
import { formatDate } from './i18n.ts';
import { layout, type Site } from './layout.ts';
import { HELP_CENTRE_CSP } from './routes.ts';
import { siteLoader } from './site.ts';

type LocaleParams = { Params: { locale: string } };
type AccountSection = 'requests' | 'actions' | 'data';
type RequestParams = { Params: { locale: string; reference: string } };
const REFERENCE = /^R-[A-Z2-9]{8}$/;
const EmailField = z.email().max(254);

export default async function accountPages(app: FastifyInstance) {
  const site = siteLoader(app);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  function send(reply: FastifyReply, body: string, status = 200) {
    return reply
      .status(status)
      .header('content-security-policy', HELP_CENTRE_CSP)
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .type('text/html; charset=utf-8')
      .send(body);
  }

  async function localeOf(req: FastifyRequest<LocaleParams>) {
    const s = await site();
    return s.locales.includes(req.params.locale) ? { s, locale: req.params.locale } : undefined;
  }

  function render(s: Site, locale: string, path: string, title: string, main: SafeHtml) {
    return layout(
      s,
      {
        locale,
        title,
        description: accountCopy(locale).account,
        path,
        alternates: s.locales.map((l) => ({ locale: l, path: path.replace(/^\/[^/]+/, `/${l}`) })),
        noindex: true,
      },
      main,
    );
  }

  const csrf = (req: FastifyRequest) =>
    html`<input type="hidden" name="${CSRF_FIELD}" value="${req.actor.kind === 'customer' ? req.actor.csrfToken : ''}">`;

  function accountNav(locale: string, t: AccountCopy, req: FastifyRequest, current: AccountSection) {
    const link = (key: AccountSection, href: string, label: string) =>
      html`<li><a href="${href}"${current === key ? html` aria-current="page"` : ''}>${label}</a></li>`;
    return html`<nav class="account-nav" aria-label="${t.nav}"><ul>
${link('requests', `/${locale}/account`, t.requests)}
${link('actions', `/${locale}/account/actions`, t.actionsTitle)}
${link('data', `/${locale}/account/data`, t.myData)}
<li><form method="post" action="/${locale}/account/sign-out">${csrf(req)}<button type="submit" class="link-button">${t.signOut}</button></form></li>
</ul></nav>`;
  }

  // Unsigned visitors on a customer page go to the sign-in page; other refusals are plain pages.
  app.setErrorHandler(async (error: Error, req, reply) => {
    const locale = (req.params as { locale?: string } | undefined)?.locale ?? 'fr';
    const s = await site();
    const l = s.locales.includes(locale) ? locale : (s.locales[0] ?? 'fr');
    if (error instanceof UnauthorizedError) return reply.redirect(`/${l}/account/sign-in`, 303);
    if (error instanceof AppError && error.status === 404) {
      const t = accountCopy(l);
      return send(
        reply,
        render(
          s,
          l,
          `/${l}/account`,
          t.notFoundTitle,
          html`<h1>${t.notFoundTitle}</h1><p>${t.notFound}</p><p><a href="/${l}/account">${t.back}</a></p>`,
        ),
        404,
      );
    }
    // Other refusals (a second rating, a missing CSRF token…) are problem+json like the API's.
    if (error instanceof AppError && error.status < 500) {
      return sendProblem(
        req,
        reply,
        error.status,
        error.code,
        error.detail,
        error.field ? { field: error.field } : {},
      );
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 429) return reply.status(429).type('text/plain; charset=utf-8').send('Too many requests.');
    throw error;
  });

  const pub = { config: { access: 'public' as const }, schema: { hide: true } };
  const customer = { config: { access: 'customer' as const }, schema: { hide: true } };

  // Sign-in: ask for a link.
  // The single sign-on button's label when admins enabled it (customers/oidc.ts).
  async function ssoLabel(locale: string) {
    const sso = await readOidcSettings(app.db);
    return sso.enabled ? (locale.startsWith('fr') ? sso.label.fr : sso.label.en) : undefined;
  }

  function signInPage(s: Site, locale: string, sso: string | undefined, email = '', error?: string) {
    const t = accountCopy(locale);
    return render(
      s,
      locale,
      `/${locale}/account/sign-in`,
      t.signInTitle,
      html`<h1>${t.signInTitle}</h1>${
        sso
          ? html`<p><a class="button" href="/${locale}/account/sso">${t.ssoButton(sso)}</a></p>
<p>${t.ssoOr}</p>`
          : ''
      }<p>${t.signInIntro}</p>
<form method="post" action="/${locale}/account/sign-in" class="account-form" novalidate>
<label for="email">${t.email}</label>
<input id="email" name="email" type="email" autocomplete="email" required maxlength="254" value="${email}"${error ? html` aria-invalid="true" aria-describedby="email-error"` : ''}>
${error ? html`<p class="error" id="email-error">${error}</p>` : ''}
<button type="submit" class="button">${t.sendLink}</button>
</form>`,
    );
  }

  app.get<LocaleParams>('/:locale/account/sign-in', pub, async (req, reply) => {
    const l = await localeOf(req);
    if (!l) return reply.callNotFound();
    return send(reply, signInPage(l.s, l.locale, await ssoLabel(l.locale)));
  });

  app.post<LocaleParams>(
    '/:locale/account/sign-in',
    // Per IP here; per address in requestSignInLink (3 links per 15 minutes).
    { ...pub, config: { access: 'public', rateLimit: { max: 10, timeWindow: '15 minutes' } } },
    async (req, reply) => {
      const l = await localeOf(req);
      if (!l) return reply.callNotFound();
      const t = accountCopy(l.locale);
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const email = typeof raw.email === 'string' ? raw.email.trim() : '';
      if (!EmailField.safeParse(email).success) {
        return send(reply, signInPage(l.s, l.locale, await ssoLabel(l.locale), email, t.emailInvalid), 400);
      }
      const { link } = await requestSignInLink(
        app.db,
        { email, locale: l.locale.startsWith('fr') ? 'fr' : 'en' },
        app.config.publicUrl,
      );
      // The demo has no mailbox: with RELAIS_DEMO on and no SMTP server only, the link goes to the log.
      if (app.config.demo && !app.config.mail.smtpUrl && link)
        req.log.info({ demoSignInLink: link }, 'demo: customer sign-in link');
      return send(
        reply,
        render(
          l.s,
          l.locale,
          `/${l.locale}/account/sign-in`,
          t.checkMailTitle,
          html`<h1>${t.checkMailTitle}</h1><p role="status">${t.checkMail}</p>`,
        ),
      );
    },
  );

  // The link from the e-mail shows a button: mail scanners that open links do not use them up.
  app.get<LocaleParams & { Querystring: { token?: string } }>(
    '/:locale/account/sign-in/verify',
    pub,
    async (req, reply) => {
      const l = await localeOf(req);
      if (!l) return reply.callNotFound();
      const t = accountCopy(l.locale);
      return send(
        reply,
        render(
          l.s,
          l.locale,
          `/${l.locale}/account/sign-in/verify`,
          t.verifyTitle,
          html`<h1>${t.verifyTitle}</h1><p>${t.verifyIntro}</p>
<form method="post" action="/${l.locale}/account/sign-in/verify"><input type="hidden" name="token" value="${req.query.token ?? ''}">
<button type="submit" class="button">${t.verifyButton}</button></form>`,
        ),
      );
    },
  );

  app.post<LocaleParams>(
    '/:locale/account/sign-in/verify',
    { ...pub, config: { access: 'public', rateLimit: { max: 20, timeWindow: '15 minutes' } } },
    async (req, reply) => {
      const l = await localeOf(req);
      if (!l) return reply.callNotFound();
      const t = accountCopy(l.locale);
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const session: CustomerSession | undefined =
        typeof raw.token === 'string' ? await consumeSignInLink(app.db, raw.token) : undefined;
      if (!session) {
        return send(
          reply,
          render(
            l.s,
            l.locale,
            `/${l.locale}/account/sign-in/verify`,
            t.linkInvalidTitle,
            html`<h1>${t.linkInvalidTitle}</h1><p>${t.linkInvalid}</p><p><a class="button" href="/${l.locale}/account/sign-in">${t.newLink}</a></p>`,
          ),
          400,
        );
      }
      setCustomerCookie(reply, session.token, session.expiresAt);
      return reply.redirect(`/${l.locale}/account`, 303);
    },
  );

  // Single sign-on (OIDC, customers/oidc.ts): start at the provider, come back on one redirect URI.
  const OIDC_COOKIE = 'relais_oidc';
  function ssoErrorPage(reply: FastifyReply, s: Site, locale: string, error: OidcSignInError) {
    const t = accountCopy(locale);
    return send(
      reply,
      render(
        s,
        locale,
        `/${locale}/account/sign-in`,
        t.ssoErrorTitle,
        html`<h1>${t.ssoErrorTitle}</h1><p role="alert">${t.ssoError[error.reason] ?? t.ssoError.failed}</p><p><a class="button" href="/${locale}/account/sign-in">${t.ssoRetry}</a></p>`,
      ),
      error.reason === 'unavailable' ? 502 : 400,
    );
  }

  app.get<LocaleParams>(
    '/:locale/account/sso',
    { ...pub, config: { access: 'public', rateLimit: { max: 30, timeWindow: '15 minutes' } } },
    async (req, reply) => {
      const l = await localeOf(req);
      if (!l) return reply.callNotFound();
      try {
        const { url, pending } = await startOidcSignIn(app.db, app.config.publicUrl, l.locale);
        reply.setCookie(OIDC_COOKIE, pending, {
          path: OIDC_CALLBACK_PATH,
          httpOnly: true,
          // Lax: the provider's redirect back is a top-level GET from its site.
          sameSite: 'lax',
          secure: app.config.publicUrl.startsWith('https:'),
          maxAge: 600,
        });
        return reply.header('cache-control', 'no-store').redirect(url, 303);
      } catch (err) {
        if (err instanceof OidcSignInError) return ssoErrorPage(reply, l.s, l.locale, err);
        throw err;
      }
    },
  );

  app.get<{ Querystring: Record<string, string | undefined> }>(
    OIDC_CALLBACK_PATH,
    { ...pub, config: { access: 'public', rateLimit: { max: 30, timeWindow: '15 minutes' } } },
    async (req, reply) => {
      const sealed = req.cookies[OIDC_COOKIE];
      const s = await site();
      const started = pendingLocale(sealed);
      const locale = started && s.locales.includes(started) ? started : (s.locales[0] ?? 'fr');
      // Single use: whatever happens next, this sign-in attempt is over.
      reply.clearCookie(OIDC_COOKIE, { path: OIDC_CALLBACK_PATH });
      try {
        const session = await finishOidcSignIn(app.db, app.config.publicUrl, req.query ?? {}, sealed);
        setCustomerCookie(reply, session.token, session.expiresAt);
        return reply.redirect(`/${locale}/account`, 303);
      } catch (err) {
        if (err instanceof OidcSignInError) return ssoErrorPage(reply, s, locale, err);
        throw err;
      }
    },
  );

  // My requests.
  app.get<LocaleParams>('/:locale/account', customer, async (req, reply) => {
    const l = await localeOf(req);
    if (!l) return reply.callNotFound();
    const t = accountCopy(l.locale);
    const me = await findCustomer(app.db, req.actor.kind === 'customer' ? req.actor.id : '');
    const tickets = await listAccountTickets(app.db, me.id);
    // Recently viewed: this browser's help-centre journey (relais_jid), public articles only.
    const journeyId = requestJourneyId(req);
    const viewed = journeyId
      ? await findArticlesForDisplay(
          app.db,
          await recentlyViewedArticleIds(app.db, journeyId),
          undefined,
          'public',
        )
      : [];
    const rows = tickets.map(
      (tk) =>
        html`<tr><th scope="row"><a href="/${l.locale}/account/requests/${tk.reference}">${tk.reference}</a></th><td>${tk.subject}</td><td>${t.status[tk.status] ?? tk.status}</td><td><time datetime="${tk.updatedAt.toISOString()}">${formatDate(tk.updatedAt, l.locale)}</time></td></tr>`,
    );
    return send(
      reply,
      render(
        l.s,
        l.locale,
        `/${l.locale}/account`,
        t.requests,
        html`<h1 class="account-title">${t.hello(me.name ?? me.email ?? '')}</h1>
${accountNav(l.locale, t, req, 'requests')}
<section aria-labelledby="requests-title"><h2 id="requests-title">${t.requests}</h2>
${tickets.length ? html`<div class="table-scroll"><table class="requests"><thead><tr><th scope="col">${t.reference}</th><th scope="col">${t.subject}</th><th scope="col">${t.statusLabel}</th><th scope="col">${t.updated}</th></tr></thead><tbody>${rows}</tbody></table></div>` : html`<p>${t.noRequests}</p>`}
<p><a class="button" href="/${l.locale}/contact">${t.newRequest}</a></p></section>
${viewed.length ? html`<section aria-labelledby="viewed-title"><h2 id="viewed-title">${t.recentlyViewed}</h2><ul>${viewed.map((a) => html`<li><a href="${a.url}">${a.title}</a></li>`)}</ul></section>` : ''}`,
      ),
    );
  });

  const customerId = (req: FastifyRequest) => (req.actor.kind === 'customer' ? req.actor.id : '');
  const referenceOf = (req: FastifyRequest<RequestParams>) => {
    if (!REFERENCE.test(req.params.reference)) throw new NotFoundError('Ticket');
    return req.params.reference;
  };

  app.get<RequestParams & { Querystring: { rated?: string } }>(
    '/:locale/account/requests/:reference',
    customer,
    async (req, reply) => {
      const l = await localeOf(req);
      if (!l) return reply.callNotFound();
      const t = accountCopy(l.locale);
      const view = await accountTicketView(app.db, customerId(req), referenceOf(req));
      const base = `/${l.locale}/account/requests/${view.reference}`;
      const messages = view.messages.map(
        (m) =>
          html`<article class="msg msg-${m.author}"><h3>${m.author === 'customer' ? t.you : m.author === 'agent' ? t.agent : t.system} · <time datetime="${m.createdAt.toISOString()}">${formatDate(m.createdAt, l.locale)}</time></h3><p>${m.body}</p></article>`,
      );
      const closed = view.status === 'closed';
      const canRate = view.status === 'solved' || closed;
      const scores = [5, 4, 3, 2, 1].map(
        (n) => html`<label><input type="radio" name="score" value="${n}" required> ${t.score(n)}</label>`,
      );
      return send(
        reply,
        render(
          l.s,
          l.locale,
          base,
          `${view.reference} · ${view.subject}`,
          html`<p><a href="/${l.locale}/account">${t.back}</a></p>
<h1>${view.subject}</h1><p>${t.reference}${l.locale.startsWith('fr') ? '\u00a0:' : ':'} ${view.reference} · <span id="status">${t.status[view.status] ?? view.status}</span></p>
<section id="thread" aria-labelledby="thread-title"><h2 id="thread-title">${t.thread}</h2>${messages}</section>
${
  closed
    ? html`<p class="notice">${t.closedNote}</p>`
    : html`<form method="post" action="${base}/reply" class="account-form">${csrf(req)}
<label for="reply">${t.reply}</label><textarea id="reply" name="body" required maxlength="20000" rows="5"></textarea>
<button type="submit" class="button">${t.send}</button></form>
<form method="post" action="${base}/close">${csrf(req)}<button type="submit" class="link-button">${t.close}</button></form>`
}
${
  canRate
    ? req.query.rated
      ? html`<p role="status">${t.rated}</p>`
      : html`<form method="post" action="${base}/rate" class="account-form">${csrf(req)}<fieldset><legend>${t.rateLegend}</legend>${scores}</fieldset><button type="submit" class="button">${t.rate}</button></form>`
    : ''
}`,
        ),
      );
    },
  );

  app.post<RequestParams>('/:locale/account/requests/:reference/reply', customer, async (req, reply) => {
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const body = typeof raw.body === 'string' ? raw.body.trim().slice(0, 20_000) : '';
    const reference = referenceOf(req);
    if (body) await replyToAccountTicket(app.db, customerId(req), reference, body);
    return reply.redirect(`/${req.params.locale}/account/requests/${reference}`, 303);
  });

  app.post<RequestParams>('/:locale/account/requests/:reference/close', customer, async (req, reply) => {
    const reference = referenceOf(req);
    await closeAccountTicket(app.db, customerId(req), reference);
    return reply.redirect(`/${req.params.locale}/account/requests/${reference}`, 303);
  });

  app.post<RequestParams>('/:locale/account/requests/:reference/rate', customer, async (req, reply) => {
    const reference = referenceOf(req);
    const score = Number((req.body as Record<string, unknown> | undefined)?.score);
    if (!Number.isInteger(score) || score < 1 || score > 5) {
      return reply.status(400).type('text/plain; charset=utf-8').send('score: 1 to 5');
    }
    await rateTicketOnce(app.db, customerId(req), reference, score);
    return reply.redirect(`/${req.params.locale}/account/requests/${reference}?rated=1`, 303);
  });

  // My data.
  app.get<LocaleParams & { Querystring: { saved?: string } }>(
    '/:locale/account/data',
    customer,
    async (req, reply) => {
      const l = await localeOf(req);
      if (!l) return reply.callNotFound();
      const t = accountCopy(l.locale);
      const me = await findCustomer(app.db, customerId(req));
      const consent = (key: (typeof CONSENT_KEYS)[number], label: string) =>
        html`<label class="check"><input type="checkbox" name="${key}" value="on"${me.consents[key]?.granted ? html` checked` : ''}> ${label}</label>`;
      return send(
        reply,
        render(
          l.s,
          l.locale,
          `/${l.locale}/account/data`,
          t.myData,
          html`<h1>${t.myData}</h1>
${accountNav(l.locale, t, req, 'data')}
<p>${t.dataIntro}</p>
<section aria-labelledby="profile-title"><h2 id="profile-title">${t.profile}</h2><dl>
<dt>${t.emailLabel}</dt><dd>${me.email ?? t.none}</dd><dt>${t.nameLabel}</dt><dd>${me.name ?? t.none}</dd><dt>${t.plan}</dt><dd>${me.segments.join(', ') || t.none}</dd></dl>
<p><a class="button" href="/${l.locale}/account/data.json" download="relais-data.json">${t.download}</a></p></section>
<section aria-labelledby="consents-title"><h2 id="consents-title">${t.consents}</h2>
${req.query.saved ? html`<p role="status">${t.saved}</p>` : ''}
<form method="post" action="/${l.locale}/account/consents" class="account-form">${csrf(req)}<fieldset><legend>${t.consents}</legend>
${consent('analytics', t.consentAnalytics)}${consent('product_news', t.consentNews)}</fieldset><button type="submit" class="button">${t.save}</button></form></section>
<section aria-labelledby="delete-title"><h2 id="delete-title">${t.deleteTitle}</h2><p>${t.deleteIntro}</p>
<form method="post" action="/${l.locale}/account/delete" class="account-form">${csrf(req)}
<label class="check"><input type="checkbox" name="confirm" value="yes" required> ${t.deleteConfirm}</label>
<button type="submit" class="button danger">${t.deleteButton}</button></form></section>`,
        ),
      );
    },
  );

  app.get<LocaleParams>('/:locale/account/data.json', customer, async (req, reply) => {
    const id = customerId(req);
    const data = await exportCustomerData(
      app.db,
      id,
      async (reference) => (await accountTicketView(app.db, id, reference)).messages,
    );
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="relais-data.json"')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });

  app.post<LocaleParams>('/:locale/account/consents', customer, async (req, reply) => {
    const raw = (req.body ?? {}) as Record<string, unknown>;
    for (const key of CONSENT_KEYS) await setConsent(app.db, customerId(req), key, raw[key] === 'on');
    return reply.redirect(`/${req.params.locale}/account/data?saved=1`, 303);
  });

  app.post<LocaleParams>('/:locale/account/delete', customer, async (req, reply) => {
    const l = await localeOf(req);
    if (!l) return reply.callNotFound();
    const t = accountCopy(l.locale);
    if ((req.body as Record<string, unknown> | undefined)?.confirm !== 'yes') {
      return reply.status(400).type('text/plain; charset=utf-8').send(t.mustConfirm);
    }
    await deleteCustomerAccount(app.db, customerId(req), t.deletedPlaceholder);
    clearCustomerCookie(reply);
    return send(
      reply,
      render(
        l.s,
        l.locale,
        `/${l.locale}/account/data`,
        t.deleted,
        html`<h1>${t.deleted}</h1><p><a href="/${l.locale}">${l.s.branding.name}</a></p>`,
      ),
    );
  });

  // Self-service actions (issue 18): list, confirmation, result.
  await accountActionPages(app, { localeOf, render, send, csrf, accountNav });

  app.post<LocaleParams>('/:locale/account/sign-out', customer, async (req, reply) => {
    await signOutCustomer(app.db, req.actor);
    clearCustomerCookie(reply);
    return reply.redirect(`/${req.params.locale}/account/sign-in`, 303);
  });
}
