/**
 * The portal's self-service actions (`/{locale}/account/actions`): the actions this customer may use
 * (their segments), a confirmation step with the action's inputs, then the result. No JavaScript;
 * the same service as the JSON API (`actions/service.ts`), with the signed-in session as the only
 * identity — nothing typed here is sent as identity.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActionInputSpec } from '../db/schema/actions.ts';
import { actionFor, actionsFor, runAction, textIn } from '../modules/actions/service.ts';
import { AppError, NotFoundError, ValidationError } from '../server/errors.ts';
import { type AccountCopy, accountCopy } from './account-copy.ts';
import { html, type SafeHtml } from './html.ts';
import type { Site } from './layout.ts';

type ActionParams = { Params: { locale: string; id: string } };

/** What the portal's pages share with these (account.ts). */
export interface PortalKit {
  localeOf(
    req: FastifyRequest<{ Params: { locale: string } }>,
  ): Promise<{ s: Site; locale: string } | undefined>;
  render(s: Site, locale: string, path: string, title: string, main: SafeHtml): string;
  send(reply: FastifyReply, body: string, status?: number): FastifyReply;
  csrf(req: FastifyRequest): SafeHtml;
  accountNav(locale: string, t: AccountCopy, req: FastifyRequest, current: 'actions'): SafeHtml;
}

export default async function accountActionPages(app: FastifyInstance, kit: PortalKit) {
  const customer = { config: { access: 'customer' as const }, schema: { hide: true } };
  const caller = (req: FastifyRequest) => ({
    customerId: req.actor.kind === 'customer' ? req.actor.id : '',
    via: 'portal' as const,
  });

  /** A page of the Actions section (list, result, refusals). */
  const actionsPage = (
    reply: FastifyReply,
    s: Site,
    locale: string,
    title: string,
    main: SafeHtml,
    status = 200,
  ) => kit.send(reply, kit.render(s, locale, `/${locale}/account/actions`, title, main), status);

  function notFound(reply: FastifyReply, s: Site, locale: string) {
    const t = accountCopy(locale);
    return actionsPage(
      reply,
      s,
      locale,
      t.actionNotFoundTitle,
      html`<h1>${t.actionNotFoundTitle}</h1><p>${t.actionNotFound}</p><p><a href="/${locale}/account/actions">${t.backToActions}</a></p>`,
      404,
    );
  }

  app.get<{ Params: { locale: string } }>('/:locale/account/actions', customer, async (req, reply) => {
    const l = await kit.localeOf(req);
    if (!l) return reply.callNotFound();
    const t = accountCopy(l.locale);
    const list = await actionsFor(app.db, caller(req));
    const items = list.map((a) => {
      const name = textIn(a.name, l.locale);
      return html`<li class="action-card"><h2>${name}</h2><p>${textIn(a.description, l.locale)}</p>
<p><a class="button" href="/${l.locale}/account/actions/${a.id}">${t.chooseAction(name)}</a></p></li>`;
    });
    return actionsPage(
      reply,
      l.s,
      l.locale,
      t.actionsTitle,
      html`<h1>${t.actionsTitle}</h1>
${kit.accountNav(l.locale, t, req, 'actions')}
<p>${t.actionsIntro}</p>
${list.length ? html`<ul class="action-list">${items}</ul>` : html`<p>${t.noActions}</p>`}`,
    );
  });

  function field(spec: ActionInputSpec, locale: string, t: AccountCopy, value: string, error?: string) {
    const id = `input-${spec.name}`;
    const label = html`<label for="${id}">${textIn(spec.label, locale)}${spec.required ? '' : html` <span class="hint">${t.optional}</span>`}</label>`;
    const invalid = error ? html` aria-invalid="true" aria-describedby="${id}-error"` : '';
    const control =
      spec.kind === 'choice'
        ? html`<select id="${id}" name="${spec.name}"${spec.required ? ' required' : ''}${invalid}>${(
            spec.choices ?? []
          ).map(
            (c) =>
              html`<option value="${c.value}"${c.value === value ? ' selected' : ''}>${textIn(c.label, locale)}</option>`,
          )}</select>`
        : html`<input id="${id}" name="${spec.name}" type="${spec.kind === 'date' ? 'date' : 'text'}"${spec.kind === 'number' ? ' inputmode="decimal"' : ''} maxlength="${spec.maxLength ?? 200}" value="${value}"${spec.required ? ' required' : ''}${invalid}>`;
    return html`${label}${control}${error ? html`<p class="error" id="${id}-error">${error}</p>` : ''}`;
  }

  async function confirmation(
    req: FastifyRequest<ActionParams>,
    reply: FastifyReply,
    values: Record<string, string> = {},
    error?: { field: string; message: string },
  ) {
    const l = await kit.localeOf(req);
    if (!l) return reply.callNotFound();
    const t = accountCopy(l.locale);
    const action = await actionFor(app.db, caller(req), req.params.id).catch((err) => {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    });
    if (!action) return notFound(reply, l.s, l.locale);
    const name = textIn(action.name, l.locale);
    const base = `/${l.locale}/account/actions/${action.id}`;
    return kit.send(
      reply,
      kit.render(
        l.s,
        l.locale,
        base,
        t.confirmTitle(name),
        html`<p><a href="/${l.locale}/account/actions">${t.backToActions}</a></p>
<h1>${t.confirmTitle(name)}</h1><p>${textIn(action.confirmText, l.locale)}</p>
<form method="post" action="${base}" class="account-form">${kit.csrf(req)}
${action.inputs.map((spec) =>
  field(
    spec,
    l.locale,
    t,
    values[spec.name] ?? '',
    error?.field === `answers.${spec.name}` ? error.message : undefined,
  ),
)}
<button type="submit" class="button">${t.confirm}</button> <a href="/${l.locale}/account/actions">${t.cancel}</a></form>`,
      ),
      error ? 400 : 200,
    );
  }

  app.get<ActionParams>('/:locale/account/actions/:id', customer, (req, reply) => confirmation(req, reply));

  app.post<ActionParams>('/:locale/account/actions/:id', customer, async (req, reply) => {
    const l = await kit.localeOf(req);
    if (!l) return reply.callNotFound();
    const t = accountCopy(l.locale);
    const raw = (req.body ?? {}) as Record<string, unknown>;
    // The form's own fields are not the action's answers.
    const answers = Object.fromEntries(
      Object.entries(raw).filter(([k, v]) => k !== '_csrf' && typeof v === 'string' && v !== ''),
    ) as Record<string, string>;
    try {
      const result = await runAction(app.db, caller(req), req.params.id, { answers, locale: l.locale });
      return actionsPage(
        reply,
        l.s,
        l.locale,
        result.outcome === 'succeeded' ? t.succeeded : t.failed,
        html`<h1>${result.outcome === 'succeeded' ? t.succeeded : t.failed}</h1>
<div class="notice action-result action-${result.outcome}" role="status"><p>${result.message}</p></div>
<p><a class="button" href="/${l.locale}/account/actions">${t.backToActions}</a></p>`,
      );
    } catch (err) {
      if (err instanceof NotFoundError) return notFound(reply, l.s, l.locale);
      if (err instanceof ValidationError && err.field?.startsWith('answers.')) {
        const label = await actionFor(app.db, caller(req), req.params.id)
          .then((a) => a.inputs.find((i) => `answers.${i.name}` === err.field))
          .catch(() => undefined);
        return confirmation(req, reply, answers, {
          field: err.field,
          message: t.invalidInput(label ? textIn(label.label, l.locale) : err.field.slice(8)),
        });
      }
      if (err instanceof AppError && err.status === 429) {
        return actionsPage(
          reply,
          l.s,
          l.locale,
          t.failed,
          html`<h1>${t.failed}</h1><p role="alert">${t.tooOften}</p><p><a class="button" href="/${l.locale}/account/actions">${t.backToActions}</a></p>`,
          429,
        );
      }
      throw err;
    }
  });
}
