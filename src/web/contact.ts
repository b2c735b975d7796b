import { randomBytes } from 'node:crypto';
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodError } from 'zod';
import type { EscalationRequest } from '../modules/escalation/contract.ts';
import { EscalationRequestSchema } from '../modules/escalation/schemas.ts';
import { customerReply, customerView, escalate, escalationOffer } from '../modules/escalation/service.ts';
import { requestIds } from '../modules/events/service.ts';
import { ensureJourney, requestJourneyId } from '../modules/journey/cookie.ts';
import { statusCopy } from '../modules/status/copy.ts';
import {
  activeIncidentBanner,
  type IncidentNotice,
  incidentFirst,
  type StatusBanner,
} from '../modules/status/service.ts';
import { stringsFor } from '../modules/widget/strings.ts';
import { AppError } from '../server/errors.ts';
import { typeset } from '../shared/typography.ts';
import { escapeHtml, html, SafeHtml } from './html.ts';
import { layout, type Site } from './layout.ts';
import { HELP_CENTRE_CSP } from './routes.ts';
import { siteLoader } from './site.ts';

/**
 * Minimal server-rendered pages of the escalation: the contact form (`/{locale}/contact`, works
 * without JavaScript; as-you-type suggestions are a progressive enhancement) and the customer's
 * secure ticket page (`/tickets/view?token=…`). The help centre (kb) may wrap them in its layout.
 */
// Callback requests' copy (see the callback section at the end of this file).
const CALLBACK_COPY = {
  fr: {
    how: 'Comment souhaitez-vous être recontacté\u00a0?',
    byEmail: 'Par e-mail',
    byPhone: 'Être rappelé par téléphone',
    phone: 'Numéro à rappeler',
    slot: 'Créneau de rappel',
    slotHint: (tz: string) =>
      `Heure de ${tz === 'Europe/Paris' ? 'Paris' : tz}, pendant nos horaires d’ouverture.`,
    callbackSent: (slot: string) => `Un conseiller vous rappelle ${slot}.`,
    callbackAsap: 'Un conseiller vous rappelle au plus tôt pendant nos horaires d’ouverture.',
    badPhone: 'Saisissez un numéro de téléphone, par exemple 06\u00a012\u00a034\u00a056\u00a078.',
    badSlot: 'Ce créneau n’est plus disponible\u00a0: choisissez-en un autre.',
  },
  en: {
    how: 'How would you like us to get back to you?',
    byEmail: 'By e-mail',
    byPhone: 'Call me back',
    phone: 'Number to call',
    slot: 'Callback time',
    slotHint: (tz: string) => `${tz === 'Europe/Paris' ? 'Paris' : tz} time, during our opening hours.`,
    callbackSent: (slot: string) => `An advisor will call you back ${slot}.`,
    callbackAsap: 'An advisor will call you back as soon as possible during our opening hours.',
    badPhone: 'Enter a phone number, e.g. +33 6 12 34 56 78.',
    badSlot: 'This time slot is no longer available: choose another one.',
  },
};

const T = {
  fr: {
    title: 'Contacter un conseiller',
    intro:
      'Décrivez votre demande : un conseiller reçoit aussi ce que vous avez déjà consulté, vous n’aurez rien à répéter.',
    reason: 'Motif',
    subject: 'Objet',
    description: 'Votre demande',
    email: 'Votre e-mail',
    name: 'Votre nom (facultatif)',
    send: 'Envoyer ma demande',
    suggestions: 'Ces réponses peuvent vous aider tout de suite :',
    errors: 'Corrigez les champs signalés.',
    sent: 'Demande envoyée',
    reference: 'Votre référence',
    follow: 'Suivre ma demande',
    keep: 'Gardez ce lien\u00a0: il est personnel.',
    mailed: 'Nous vous l’avons aussi envoyé par e-mail.',
    eta: (m: number) => `Réponse estimée sous ${m >= 60 ? `${Math.round(m / 60)} h` : `${m} min`}.`,
    thread: 'Votre demande',
    reply: 'Répondre',
    sendReply: 'Envoyer',
    customer: 'Vous',
    agent: 'Conseiller',
    system: 'Information',
    status: {
      new: 'Reçue',
      open: 'En cours',
      pending_customer: 'En attente de votre réponse',
      solved: 'Résolue',
      closed: 'Fermée',
    },
    notFound: 'Ce lien n’est pas valide.',
    ...CALLBACK_COPY.fr,
  },
  en: {
    title: 'Contact an advisor',
    intro:
      'Describe your request: an advisor also gets what you have already looked at, so you will not repeat anything.',
    reason: 'Reason',
    subject: 'Subject',
    description: 'Your request',
    email: 'Your e-mail',
    name: 'Your name (optional)',
    send: 'Send my request',
    suggestions: 'These answers may help you right away:',
    errors: 'Please correct the highlighted fields.',
    sent: 'Request sent',
    reference: 'Your reference',
    follow: 'Follow my request',
    keep: 'Keep this link: it is personal.',
    mailed: 'We have also e-mailed it to you.',
    eta: (m: number) => `Estimated response within ${m >= 60 ? `${Math.round(m / 60)} h` : `${m} min`}.`,
    thread: 'Your request',
    reply: 'Reply',
    sendReply: 'Send',
    customer: 'You',
    agent: 'Advisor',
    system: 'Information',
    status: {
      new: 'Received',
      open: 'In progress',
      pending_customer: 'Waiting for your reply',
      solved: 'Solved',
      closed: 'Closed',
    },
    notFound: 'This link is not valid.',
    ...CALLBACK_COPY.en,
  },
};
type Copy = (typeof T)['fr'];

const sites = new WeakMap<FastifyInstance, () => Promise<Site>>();

/** One cached site loader per app for every page of this file (form, ticket page, chat page). */
function siteOf(app: FastifyInstance): () => Promise<Site> {
  let site = sites.get(app);
  if (!site) {
    site = siteLoader(app);
    sites.set(app, site);
  }
  return site;
}

/**
 * The contact form, its confirmation and the secure ticket page, in the help centre's layout (header,
 * logo, search, way back, the same buttons): the page's own script (suggestions as you type) runs
 * under the nonce of the help centre's strict CSP. Never cached, never indexed, no referrer (the
 * ticket page's URL holds its token).
 */
async function page(
  app: FastifyInstance,
  reply: FastifyReply,
  lang: string,
  title: string,
  body: string,
  options: { script?: string; path?: string } = {},
) {
  const s = await siteOf(app)();
  const locale = s.locales.includes(lang) ? lang : (s.locales[0] ?? 'fr');
  const nonce = randomBytes(16).toString('base64');
  const path = options.path ?? `/${locale}/contact`;
  reply
    .header(
      'content-security-policy',
      HELP_CENTRE_CSP.replace("script-src 'self'", `script-src 'self' 'nonce-${nonce}'`),
    )
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
  return layout(
    s,
    {
      locale,
      title,
      description: title,
      path,
      alternates: options.path ? [] : s.locales.map((l) => ({ locale: l, path: `/${l}/contact` })),
      noindex: true,
    },
    new SafeHtml(`<div class="contact-page">${body}</div>`),
    options.script ? { inlineScript: { code: options.script, nonce } } : {},
  );
}

function field(name: string, label: string, control: string, error: string | undefined) {
  const id = `f-${name.replace(/\W/g, '-')}`;
  return `<label for="${id}">${escapeHtml(label)}</label>${control.replace('{id}', id).replace('{aria}', error ? `aria-invalid="true" aria-describedby="${id}-err"` : '')}${
    error ? `<p class="error" id="${id}-err">${escapeHtml(error)}</p>` : ''
  }`;
}

interface FormValues extends CallbackValues {
  /** Status page: the incident already shown for this request; the next submission creates the ticket. */
  incidentSeen?: string;
  reason?: string;
  subject?: string;
  description?: string;
  email?: string;
  name?: string;
  pageUrl?: string;
  context?: string;
}

/**
 * Status page (issue 19): the incident the request concerns (`notice`, shown first and recorded as
 * `incident.deflected`), else the locale's open incident as a banner.
 */
function incidentBlock(locale: 'fr' | 'en', shown: IncidentNotice | StatusBanner | null): string {
  if (!shown) return '';
  const c = statusCopy(locale);
  const text =
    'message' in shown ? shown.message : `${c.banner}${locale === 'fr' ? '\u00a0:' : ':'} ${shown.title}`;
  return `<aside class="msg" id="incident" aria-label="${escapeHtml(c.banner)}"><p><strong>${escapeHtml(text)}</strong></p><p><a href="${escapeHtml(shown.path)}">${escapeHtml(c.noticeFollow)}</a></p></aside>`;
}

async function contactForm(
  app: FastifyInstance,
  locale: 'fr' | 'en',
  v: FormValues,
  errors: Record<string, string>,
  incident: IncidentNotice | StatusBanner | null = null,
) {
  const t: Copy = T[locale];
  const offer = await escalationOffer(app.db, locale);
  const reasons = offer.reasons
    .map(
      (r) =>
        `<option value="${escapeHtml(r.id)}"${r.id === v.reason ? ' selected' : ''}>${escapeHtml(r.label)}</option>`,
    )
    .join('');
  const val = (s: string | undefined) => escapeHtml(s ?? '');
  const summary = Object.keys(errors).length ? `<p class="error" role="alert">${t.errors}</p>` : '';
  const shown = incident ?? (await activeIncidentBanner(app.db, locale));
  return `<h1>${t.title}</h1>${incidentBlock(locale, shown)}<p>${t.intro}</p>${liveChatEntry(locale, offer)}${summary}
<form method="post" action="/${locale}/contact" id="contact" novalidate>${v.incidentSeen ? `<input type="hidden" name="incidentSeen" value="${escapeHtml(v.incidentSeen)}">` : ''}
${field('reason', t.reason, `<select id="{id}" name="reason" {aria}>${reasons}</select>`, errors.reason)}
${field('subject', t.subject, `<input id="{id}" name="subject" value="${val(v.subject)}" maxlength="200" required {aria}>`, errors.subject)}
${field('description', t.description, `<textarea id="{id}" name="description" maxlength="10000" required {aria}>${val(v.description)}</textarea>`, errors.description)}
<section id="suggestions" aria-live="polite" hidden><p>${t.suggestions}</p><ul></ul></section>
${field('email', t.email, `<input id="{id}" name="email" type="email" autocomplete="email" value="${val(v.email)}" required {aria}>`, errors['context.customer.email'])}
${field('name', t.name, `<input id="{id}" name="name" autocomplete="name" value="${val(v.name)}" {aria}>`, errors['context.customer.name'])}
${callbackChoice(t, offer, v, errors)}
<input type="hidden" name="pageUrl" value="${val(v.pageUrl)}"><input type="hidden" name="context" value="${val(v.context)}">
<button type="submit">${t.send}</button></form>`;
}

/** As-you-type deflection: suggestions from the same engine; opened suggestions and leaving are recorded. */
/** The form's own checks before sending (the server checks again): the same words as its answers. */
const CLIENT_CHECKS = {
  fr: { required: 'Champ obligatoire.', email: 'Saisissez une adresse e-mail valide.', summary: T.fr.errors },
  en: { required: 'Required.', email: 'Enter a valid e-mail address.', summary: T.en.errors },
};

const SUGGEST_SCRIPT = (locale: string) => `(()=>{const f=document.getElementById('contact');if(!f)return;
const box=document.getElementById('suggestions'),list=box.querySelector('ul');let timer,submitted=false,typed=false;
const ev=(type,articleId)=>navigator.sendBeacon('/api/v1/contact/events',new Blob([JSON.stringify({type,locale:'${locale}',...(articleId?{articleId}:{})})],{type:'application/json'}));
const ask=async()=>{const r=await fetch('/api/v1/contact/suggestions',{method:'POST',headers:{'content-type':'application/json'},
body:JSON.stringify({subject:f.subject.value,description:f.description.value,locale:'${locale}'})});if(!r.ok)return;const {items}=await r.json();
list.replaceChildren(...items.map(i=>{const li=document.createElement('li'),a=document.createElement('a');a.href=i.url;a.textContent=i.title;
a.addEventListener('click',()=>ev('suggestion_opened',i.id));const p=document.createElement('p');p.textContent=i.shortAnswer;li.append(a,p);return li;}));
box.hidden=items.length===0;};
f.addEventListener('input',()=>{typed=true;clearTimeout(timer);timer=setTimeout(ask,300);});
const msg=${JSON.stringify(CLIENT_CHECKS[locale === 'en' ? 'en' : 'fr'])};
f.addEventListener('submit',(e)=>{let first;for(const el of f.querySelectorAll('[required]')){if(el.closest('[hidden]'))continue;
const v=el.value.trim(),byPhone=el.type==='email'&&f.querySelector('input[name=channel][value=callback]:checked'),bad=!v?(byPhone?'':msg.required):el.type==='email'&&!/^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$/.test(v)?msg.email:'';
const id=el.id+'-err';let p=document.getElementById(id);if(bad){if(!p){p=document.createElement('p');p.className='error';p.id=id;el.after(p);}
p.textContent=bad;el.setAttribute('aria-invalid','true');el.setAttribute('aria-describedby',id);first??=el;}
else if(p&&p.dataset.client){p.remove();el.removeAttribute('aria-invalid');}if(p&&bad)p.dataset.client='1';}
if(first){e.preventDefault();let a=document.getElementById('form-errors');if(!a){a=document.createElement('p');a.id='form-errors';
a.className='error';a.setAttribute('role','alert');f.before(a);}a.textContent=msg.summary;first.focus();return;}submitted=true;});
window.addEventListener('pagehide',()=>{if(typed&&!submitted)ev('deflected');});})();`;

function parseForm(body: unknown): FormValues {
  const raw = (body ?? {}) as Record<string, unknown>;
  const one = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  return {
    reason: one('reason'),
    subject: one('subject'),
    description: one('description'),
    email: one('email')?.trim(),
    name: one('name')?.trim(),
    pageUrl: one('pageUrl'),
    context: one('context'),
    incidentSeen: one('incidentSeen')?.slice(0, 36),
    ...parseCallback(one),
  };
}

/** Context a surface handed over in the hidden `context` field (JSON), if any and well-formed. */
function handedContext(json: string | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export default async function contactPages(app: FastifyInstance) {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 64_000 },
    (_req, body, done) => done(null, parseQuery(body as string)),
  );
  const localeOf = (l: string) => (l === 'en' ? 'en' : l === 'fr' ? 'fr' : undefined);

  app.get<{ Params: { locale: string }; Querystring: Record<string, string> }>(
    '/:locale/contact',
    { config: { access: 'public' } },
    async (req, reply) => {
      const locale = localeOf(req.params.locale);
      if (!locale) return reply.callNotFound();
      // Surfaces link here with the subject/description pre-filled: the customer never re-types.
      const q = req.query;
      const values: FormValues = {
        subject: q.subject,
        description: q.description,
        reason: q.reason,
        pageUrl: q.from ?? (typeof req.headers.referer === 'string' ? req.headers.referer : undefined),
      };
      const prefilled = `${values.subject ?? ''} ${values.description ?? ''}`.trim();
      const notice = prefilled
        ? await incidentFirst(app.db, prefilled.slice(0, 1000), locale, {
            channel: 'helpcentre',
            ...requestIds(req),
          })
        : null;
      if (notice) values.incidentSeen = notice.id;
      return page(app, reply, locale, T[locale].title, await contactForm(app, locale, values, {}, notice), {
        script: SUGGEST_SCRIPT(locale),
      });
    },
  );

  app.post<{ Params: { locale: string } }>(
    '/:locale/contact',
    { config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const locale = localeOf(req.params.locale);
      if (!locale) return reply.callNotFound();
      const v = parseForm(req.body);
      const handed = handedContext(v.context);
      // The journey is the help centre's own (its cookie), never one named by the posted form.
      const journeyId = requestJourneyId(req);
      delete handed.journeyId;
      const request = {
        ...callbackPart(v),
        subject: v.subject ?? '',
        description: v.description ?? '',
        ...(v.reason ? { reason: v.reason } : {}),
        context: {
          ...handed,
          locale,
          source: 'helpcentre',
          ...(journeyId ? { journeyId } : {}),
          ...(v.pageUrl && /^https?:\/\//.test(v.pageUrl) ? { pageUrl: v.pageUrl } : {}),
          ...(typeof req.headers['user-agent'] === 'string'
            ? { device: req.headers['user-agent'].slice(0, 300) }
            : {}),
          customer: { ...(v.email ? { email: v.email } : {}), ...(v.name ? { name: v.name } : {}) },
        },
      };
      const parsed = EscalationRequestSchema.safeParse(request);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error, T[locale]);
        reply.status(400);
        return page(app, reply, locale, T[locale].title, await contactForm(app, locale, v, errors), {
          script: SUGGEST_SCRIPT(locale),
        });
      }
      // Status page (issue 19): a request about a degraded component first sees the open incident;
      // sending the form again (it now carries `incidentSeen`) creates the ticket.
      if (!v.incidentSeen) {
        const text = `${parsed.data.subject} ${parsed.data.description}`.slice(0, 1000);
        const notice = await incidentFirst(app.db, text, locale, {
          channel: 'helpcentre',
          ...requestIds(req),
        });
        if (notice) {
          return page(
            app,
            reply,
            locale,
            T[locale].title,
            await contactForm(app, locale, { ...v, incidentSeen: notice.id }, {}, notice),
            { script: SUGGEST_SCRIPT(locale) },
          );
        }
      }
      // A signed-in customer's request joins their account, whatever address they typed.
      const result = await escalateOrFieldError(
        app,
        parsed.data as EscalationRequest,
        req.actor.kind === 'customer' ? req.actor.id : undefined,
      );
      if ('errors' in result) {
        reply.status(400);
        return page(app, reply, locale, T[locale].title, await contactForm(app, locale, v, result.errors), {
          script: SUGGEST_SCRIPT(locale),
        });
      }
      const t = T[locale];
      const link = new URL(result.customerUrl);
      const local = `${link.pathname}${link.search}`;
      return page(
        app,
        reply,
        locale,
        t.sent,
        `<h1>${t.sent}</h1><p>${t.reference} : <strong id="reference">${result.reference}</strong></p><p>${result.channel === 'callback' ? callbackConfirmation(t, v, await escalationOffer(app.db, locale)) : t.eta(result.estimatedResponseMinutes)}</p>
<p><a id="follow" href="${escapeHtml(local)}">${t.follow}</a></p><p>${t.keep}${
          // Said only when it is true: an e-mail goes out only with an SMTP server configured.
          app.config.mail.smtpUrl ? ` ${t.mailed}` : ''
        }</p>`,
      );
    },
  );

  app.get<{ Querystring: { token?: string } }>(
    '/tickets/view',
    { config: { access: 'public' } },
    async (req, reply) => {
      return ticketPage(app, reply, req.query.token ?? '');
    },
  );

  app.post(
    '/tickets/view',
    { config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const raw = (req.body ?? {}) as Record<string, unknown>;
      const token = typeof raw.token === 'string' ? raw.token : '';
      // The token goes back into the redirect: only the shape we issue (newSecret) ever does.
      if (!TOKEN_SHAPE.test(token)) {
        reply.status(400);
        return page(
          app,
          reply,
          'fr',
          T.fr.notFound,
          `<h1>${T.fr.notFound}</h1><p lang="en">${T.en.notFound}</p>`,
          {
            path: '/tickets/view',
          },
        );
      }
      const body = typeof raw.body === 'string' ? raw.body.trim() : '';
      if (body) {
        try {
          await customerReply(app.db, token, body.slice(0, 20_000));
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          reply.status(err.status);
        }
      }
      // Post/redirect/get; the token stays in the query string, which logs never record.
      return reply.redirect(`/tickets/view?token=${encodeURIComponent(token)}`, 303);
    },
  );

  await liveChatPage(app);
}

/** Secure-link tokens as issued: base64url of 32 random bytes (older links: 20 characters or more). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,128}$/;

async function ticketPage(app: FastifyInstance, reply: FastifyReply, token: string) {
  let view: Awaited<ReturnType<typeof customerView>>;
  try {
    view = await customerView(app.db, token);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    reply.status(404);
    return page(
      app,
      reply,
      'fr',
      T.fr.notFound,
      `<h1>${T.fr.notFound}</h1><p lang="en">${T.en.notFound}</p>`,
      {
        path: '/tickets/view',
      },
    );
  }
  const locale = view.locale.startsWith('en') ? 'en' : 'fr';
  const t = T[locale];
  const messages = view.messages
    .map((m) => {
      const text = m.author === 'system' ? systemNotice(m.body, locale) : m.body;
      return `<article class="msg ${m.author}"><h2>${t[m.author]} · <time datetime="${m.createdAt.toISOString()}">${m.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</time></h2><p>${escapeHtml(text).replace(/\n/g, '<br>')}</p></article>`;
    })
    .join('');
  const canReply = view.status !== 'closed';
  return page(
    app,
    reply,
    locale,
    `${view.reference} · ${view.subject}`,
    `<h1>${t.thread} ${escapeHtml(view.reference)}</h1><p><strong>${escapeHtml(view.subject)}</strong> — <span id="status">${t.status[view.status]}</span></p>
<section id="thread">${messages}</section>${
      canReply
        ? `<form method="post" action="/tickets/view"><input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="reply">${t.reply}</label><textarea id="reply" name="body" required maxlength="20000"></textarea><button type="submit">${t.sendReply}</button></form>`
        : ''
    }`,
    { path: '/tickets/view' },
  );
}

const NOTICES: Record<string, Record<'fr' | 'en', string>> = {
  'handoff.waiting': {
    fr: 'Un conseiller va vous répondre dans un instant.',
    en: 'An advisor will be with you shortly.',
  },
  'handoff.no_agent_ticket_created': {
    fr: 'Aucun conseiller n’est disponible en direct : votre demande a été enregistrée, nous vous répondons par e-mail.',
    en: 'No advisor is available live: your request has been recorded and we will answer by e-mail.',
  },
  'handoff.wait_timeout_ticket_created': {
    fr: 'L’attente est trop longue : votre demande est enregistrée, nous vous répondons par e-mail.',
    en: 'The wait is too long: your request is recorded and we will answer by e-mail.',
  },
  'handoff.agent_joined': {
    fr: 'Un conseiller a rejoint la conversation.',
    en: 'An advisor has joined the conversation.',
  },
  'handoff.agent_left': {
    fr: 'Le conseiller a quitté la conversation ; un autre va vous répondre.',
    en: 'The advisor has left; another one will answer you.',
  },
  'handoff.resolved': {
    fr: 'Le conseiller a clôturé la conversation.',
    en: 'The advisor has closed the conversation.',
  },
  'handoff.new_session': {
    fr: 'Nouvelle conversation avec l’assistant.',
    en: 'New conversation with the assistant.',
  },
};

const systemNotice = (key: string, locale: 'fr' | 'en') => NOTICES[key]?.[locale] ?? key;

function fieldErrors(error: ZodError, t: Copy): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.');
    if (!out[path])
      out[path] =
        issue.message.startsWith('Invalid') || issue.message.startsWith('Too')
          ? `${t.errors}`
          : issue.message;
  }
  return out;
}

// ── callback requests on the contact page ──────────────────────────────────────────────────────────

interface CallbackValues {
  channel?: 'form' | 'callback';
  phone?: string;
  slot?: string;
}

type Offer = Awaited<ReturnType<typeof escalationOffer>>;
// Offered only within business hours (like live chat), with slots that also lie within them.
const callbackOffered = (offer: Offer) =>
  offer.open &&
  offer.callbackSlots.length > 0 &&
  offer.channels.some((c) => c.channel === 'callback' && c.available);

/**
 * "Call me back" next to the e-mail answer, during business hours only. Works without
 * JavaScript: the radio chooses, the phone and slot fields are read only for a callback.
 */
function callbackChoice(t: Copy, offer: Offer, v: FormValues, errors: Record<string, string>) {
  if (!callbackOffered(offer)) return '';
  const phone = v.channel === 'callback';
  const slots = offer.callbackSlots
    .map(
      (s) =>
        `<option value="${s.start}"${s.start === v.slot ? ' selected' : ''}>${escapeHtml(s.label)}</option>`,
    )
    .join('');
  const radio = (value: string, label: string, checked: boolean) =>
    `<label class="choice"><input type="radio" name="channel" value="${value}"${checked ? ' checked' : ''}> ${label}</label>`;
  return `<fieldset id="callback"><legend>${t.how}</legend>${radio('form', t.byEmail, !phone)}${radio('callback', t.byPhone, phone)}
${field('phone', t.phone, `<input id="{id}" name="phone" type="tel" autocomplete="tel" value="${escapeHtml(v.phone ?? '')}" {aria}>`, errors['callback.phone'] ? t.badPhone : undefined)}
${field('slot', t.slot, `<select id="{id}" name="slot" aria-describedby="slot-hint" {aria}>${slots}</select><p id="slot-hint">${escapeHtml(t.slotHint(offer.businessHours.timezone))}</p>`, errors['callback.slot'])}
</fieldset>`;
}

function parseCallback(one: (k: string) => string | undefined): CallbackValues {
  return {
    ...(one('channel') === 'callback' ? { channel: 'callback' as const } : {}),
    ...(one('phone')?.trim() ? { phone: one('phone')!.trim() } : {}),
    ...(one('slot') ? { slot: one('slot')! } : {}),
  };
}

/** The request's channel and callback part: a callback carries the number and the chosen slot. */
function callbackPart(v: FormValues) {
  if (v.channel !== 'callback') return { channel: 'form' };
  return {
    channel: 'callback',
    callback: { phone: v.phone ?? '', ...(v.slot ? { slot: v.slot } : {}) },
  };
}

function callbackConfirmation(t: Copy, v: FormValues, offer: Offer) {
  const slot = offer.callbackSlots.find((s) => s.start === v.slot);
  return escapeHtml(slot ? t.callbackSent(slot.label) : t.callbackAsap);
}

/** A callback's number or slot refused by the escalation service comes back as the field's error. */
async function escalateOrFieldError(
  app: FastifyInstance,
  request: EscalationRequest,
  customerAccountId: string | undefined,
): Promise<Awaited<ReturnType<typeof escalate>> | { errors: Record<string, string> }> {
  try {
    return await escalate(app.db, request, { publicUrl: app.config.publicUrl, customerAccountId });
  } catch (err) {
    if (!(err instanceof AppError) || !err.field?.startsWith('callback.')) throw err;
    const t = T[request.context.locale === 'en' ? 'en' : 'fr'];
    return { errors: { [err.field]: err.field === 'callback.slot' ? t.badSlot : t.badPhone } };
  }
}

// ── live chat from the help centre (issue 17) ─────────────────────────────────────────────────────

const LIVE_COPY = {
  fr: {
    entry: 'Discuter avec un conseiller',
    entryText: 'Un conseiller est en ligne\u00a0: posez votre question en direct.',
    intro: 'Posez votre question\u00a0: le conseiller reçoit aussi ce que vous avez déjà consulté.',
    offline:
      'Aucun conseiller n’est disponible en direct pour le moment. Écrivez-nous\u00a0: nous vous répondons par e-mail, ou nous vous rappelons.',
    form: 'Écrire au service client',
    noscript: 'La discussion en direct a besoin de JavaScript. Vous pouvez nous écrire avec le formulaire.',
  },
  en: {
    entry: 'Chat with an advisor',
    entryText: 'An advisor is online: ask your question live.',
    intro: 'Ask your question: the advisor also gets what you have already looked at.',
    offline:
      'No advisor is available live right now. Write to us: we will answer by e-mail, or call you back.',
    form: 'Write to customer support',
    noscript: 'Live chat needs JavaScript. You can write to us with the form.',
  },
};

const liveAvailable = (offer: Offer) => Boolean(offer.channels.find((c) => c.channel === 'live')?.available);

/** The contact page's way into live chat, while an advisor can take one. */
function liveChatEntry(locale: 'fr' | 'en', offer: Offer) {
  if (!liveAvailable(offer)) return '';
  const c = LIVE_COPY[locale];
  return `<p class="msg agent" id="live-entry">${escapeHtml(c.entryText)} <a href="/${locale}/contact/chat">${escapeHtml(c.entry)}</a></p>`;
}

/**
 * `/{locale}/contact/chat`: live chat in the help centre's layout. The server renders the offer (an
 * advisor online or not); the chat itself is the widget's client (`/widget/helpcentre-chat.js`, under
 * this page's nonce), talking to `/api/v1/helpcentre/chats…` with the journey cookie.
 */
async function liveChatPage(app: FastifyInstance) {
  const site = siteOf(app);
  app.get<{ Params: { locale: string } }>(
    '/:locale/contact/chat',
    { config: { access: 'public' } },
    async (req, reply) => {
      const s = await site();
      const locale = req.params.locale === 'en' ? 'en' : req.params.locale === 'fr' ? 'fr' : undefined;
      if (!locale || !s.locales.includes(locale)) return reply.callNotFound();
      ensureJourney(req, reply);
      const c = LIVE_COPY[locale];
      const available = liveAvailable(await escalationOffer(app.db, locale));
      const strings = Object.fromEntries(
        Object.entries(stringsFor(locale, {})).map(([k, v]) => [k, typeset(locale, v)]),
      );
      const nonce = randomBytes(16).toString('base64');
      const path = `/${locale}/contact/chat`;
      const main = html`<h1>${strings.liveTitle}</h1>
<section id="live-chat" class="live-chat" aria-label="${strings.liveTitle}" data-locale="${locale}" data-contact="/${locale}/contact" data-available="${String(available)}" data-strings="${JSON.stringify(strings)}">
<p>${available ? c.intro : c.offline}</p>
<noscript><p>${c.noscript}</p></noscript>
<p><a href="/${locale}/contact">${c.form}</a></p>
</section>`;
      return reply
        .header(
          'content-security-policy',
          HELP_CENTRE_CSP.replace("script-src 'self'", `script-src 'nonce-${nonce}'`),
        )
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(
          layout(
            s,
            {
              locale,
              title: strings.liveTitle ?? '',
              description: c.intro,
              path,
              alternates: s.locales.map((l) => ({ locale: l, path: `/${l}/contact/chat` })),
              noindex: true,
            },
            main,
            { script: { src: '/widget/helpcentre-chat.js', nonce } },
          ),
        );
    },
  );
}
