import type { Db, DbOrTx } from '../../db/client.ts';
import { type Actor, actorRef, can } from '../../server/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { recordEvent } from '../events/service.ts';
import { createArticle } from '../kb/service.ts';
import { enqueue } from '../outbox/service.ts';
import type { SearchSource } from '../search/plugin.ts';
import { findUser } from '../staff/service.ts';
import { ticketEmail } from './deliveries.ts';
import { type HandoffEvent, InvalidHandoffTransition, transition } from './handoff.ts';
import { draftArticleFromTicket, untitledArticleIds } from './presenter.ts';
import * as repo from './repository.ts';
import { customerLink, issueCustomerToken } from './service.ts';

export type TicketPatch = Partial<
  Pick<repo.TicketRow, 'status' | 'priority' | 'level' | 'assigneeId' | 'tags'>
>;

/** Agents' queues; the filter runs in SQL. */
export function listTickets(db: DbOrTx, actor: Actor, q: Omit<repo.TicketFilter, 'me'>) {
  return repo.listTickets(db, { ...q, me: actor.kind === 'user' ? actor.id : null });
}

export async function findTicket(db: DbOrTx, id: string) {
  const ticket = await repo.findTicket(db, id);
  if (!ticket) throw new NotFoundError('Ticket');
  return ticket;
}

export async function agentTicket(db: DbOrTx, id: string) {
  const ticket = await findTicket(db, id);
  return { ticket, messages: await repo.listMessages(db, id) };
}

/** The titles of the articles a ticket's context names by id only, resolved now (labels, not ids). */
export async function articleTitles(
  source: Pick<SearchSource, 'cards'>,
  ticket: repo.TicketRow,
): Promise<Map<string, string>> {
  const ids = untitledArticleIds(ticket);
  if (!ids.length) return new Map();
  const found = await source.cards(ids, 'internal');
  return new Map(found.map((a) => [a.id, a.title]));
}

/** Status, priority, level, assignee, tags. Audited with field names only. */
export async function changeTicket(db: Db, actor: Actor, id: string, patch: TicketPatch) {
  const ticket = await findTicket(db, id);
  if (patch.assigneeId) {
    const user = await findUser(db, patch.assigneeId);
    if (!user?.active || !['admin', 'agent'].includes(user.role)) {
      throw new ValidationError('The assignee must be an active agent or admin.', 'assigneeId');
    }
  }
  return db.transaction(async (tx) => {
    const row = await repo.updateTicket(tx, id, {
      ...patch,
      ...(patch.tags ? { tags: [...new Set(patch.tags.map((t) => t.toLowerCase()))] } : {}),
      ...(patch.status === 'solved' && ticket.status !== 'solved' ? { solvedAt: new Date() } : {}),
    });
    await recordAudit(tx, actor, {
      action: 'ticket.updated',
      subjectType: 'ticket',
      subjectId: id,
      details: { fields: Object.keys(patch), ...(patch.status ? { status: patch.status } : {}) },
    });
    if (patch.status && patch.status !== ticket.status) {
      await recordEvent(tx, {
        type: `ticket.${patch.status}`,
        channel: 'console',
        locale: ticket.locale,
        subjectType: 'ticket',
        subjectId: id,
        data: { from: ticket.status, level: ticket.level },
      });
    }
    return row!;
  });
}

/**
 * An agent's public reply (sent to the customer by e-mail with a fresh secure link, through the
 * outbox) or internal note (never shown nor sent to the customer).
 */
export async function replyToTicket(
  db: Db,
  actor: Actor,
  id: string,
  input: { body: string; visibility: 'public' | 'internal'; status?: repo.TicketRow['status'] | undefined },
  publicUrl: string,
) {
  const ticket = await findTicket(db, id);
  if (ticket.status === 'closed' && input.visibility === 'public') {
    throw new ConflictError('This ticket is closed: the customer can no longer be answered on it.');
  }
  const authorId = actor.kind === 'user' ? actor.id : null;
  return db.transaction(async (tx) => {
    const message = await repo.insertMessage(tx, {
      ticketId: id,
      visibility: input.visibility,
      author: 'agent',
      authorId,
      body: input.body,
    });
    const isPublic = input.visibility === 'public';
    const status =
      input.status ?? (isPublic ? 'pending_customer' : ticket.status === 'new' ? 'open' : ticket.status);
    await repo.updateTicket(tx, id, {
      status,
      ...(isPublic && !ticket.firstReplyAt ? { firstReplyAt: new Date() } : {}),
      ...(ticket.assigneeId || !authorId ? {} : { assigneeId: authorId }),
      ...(status === 'solved' && ticket.status !== 'solved' ? { solvedAt: new Date() } : {}),
    });
    if (isPublic) {
      const link = customerLink(publicUrl, await issueCustomerToken(tx, id));
      await enqueue(tx, {
        topic: 'ticket.replied',
        ticketId: id,
        emails: ticket.customerEmail ? [{ payload: ticketEmail('agent_reply', link, message.id) }] : [],
      });
    }
    await recordAudit(tx, actor, {
      action: isPublic ? 'ticket.replied' : 'ticket.noted',
      subjectType: 'ticket',
      subjectId: id,
      details: { messageId: message.id },
    });
    if (isPublic) {
      await recordEvent(tx, {
        type: 'ticket.replied',
        channel: 'console',
        locale: ticket.locale,
        subjectType: 'ticket',
        subjectId: id,
        data: { first: !ticket.firstReplyAt, ...actorRef(actor) },
      });
    }
    return message;
  });
}

/** Applies a live-handoff event from the agent side through the state machine (handoff.ts). */
export async function handoffEvent(
  db: Db,
  actor: Actor,
  id: string,
  type: Exclude<HandoffEvent['type'], 'request_human' | 'customer_message'>,
) {
  const ticket = await findTicket(db, id);
  const agentId = actor.kind === 'user' ? actor.id : actor.kind === 'api_key' ? actor.id : 'system';
  const event: HandoffEvent = type === 'agent_joined' ? { type, agentId } : { type };
  let step: ReturnType<typeof transition>;
  try {
    step = transition({ phase: ticket.handoffPhase, session: ticket.handoffSession }, event);
  } catch (err) {
    if (err instanceof InvalidHandoffTransition) throw new ConflictError(err.message, 'event');
    throw err;
  }
  return db.transaction(async (tx) => {
    await repo.insertMessage(tx, {
      ticketId: id,
      visibility: 'public',
      author: 'system',
      body: step.notice!,
    });
    const row = await repo.updateTicket(tx, id, {
      handoffPhase: step.state.phase,
      handoffSession: step.state.session,
      ...(type === 'agent_joined' && actor.kind === 'user'
        ? { assigneeId: actor.id, status: 'open' as const }
        : {}),
      ...(type === 'resolved' ? { status: 'solved' as const, solvedAt: new Date() } : {}),
    });
    await recordEvent(tx, {
      type: `handoff.${step.state.phase}`,
      channel: 'console',
      locale: ticket.locale,
      subjectType: 'ticket',
      subjectId: id,
      data: { event: type },
    });
    return { ticket: row!, notice: step.notice! };
  });
}

export const setPresence = (db: DbOrTx, actor: Actor, online: boolean) =>
  actor.kind === 'user' ? repo.touchPresence(db, actor.id, online) : Promise.resolve();

/** `Ma box : l'été !` → `ma-box-l-ete` (kb's slug rule: a-z, 0-9, single dashes). */
function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90)
    .replace(/-+$/, '');
}

/**
 * "This should be an article": the draft content from the ticket (presenter.ts), and, when the actor
 * may write content, a real draft article in the ticket's locale through kb's service (audited there),
 * for an editor to rewrite and publish. Its slug carries the ticket reference; a second draft from the
 * same ticket gets a numbered slug.
 */
export async function articleDraft(db: Db, actor: Actor, id: string) {
  const { ticket, messages } = await agentTicket(db, id);
  const draft = draftArticleFromTicket(ticket, messages);
  if (!can(actor, 'content:write')) return { ...draft, articleId: null };
  const base = `${slugify(draft.title) || 'ticket'}-${slugify(ticket.reference)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const article = await createArticle(db, actor, {
        locale: draft.locale,
        slug: attempt === 1 ? base : `${base}-${attempt}`,
        title: draft.title,
        shortAnswer: draft.shortAnswer,
        body: draft.body,
        formulations: draft.formulations,
        note: `From ticket ${ticket.reference}`,
      });
      return { ...draft, articleId: article.id };
    } catch (err) {
      if (err instanceof ConflictError && err.field === 'slug' && attempt < 20) continue;
      throw err;
    }
  }
}
