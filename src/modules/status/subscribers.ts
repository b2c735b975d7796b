import { openSecret, sealSecret } from '../../crypto/secret-box.ts';
import { newSecret, sha256 } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { NotFoundError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { markdownToText } from '../kb/markdown.ts';
import { enqueue, type OutboxRenderer } from '../outbox/service.ts';
import { getBranding } from '../settings/service.ts';
import { pick, statusCopy } from './copy.ts';
import * as repo from './repository.ts';
import { incidentPath, indicatorOf, loadIncident } from './view.ts';

/**
 * Subscribers: e-mail addresses (double opt-in, one-click unsubscribe) and signed webhooks. Every
 * delivery goes through the outbox; rows hold ids, `statusDeliveries` renders them at delivery time.
 */

const newToken = () => {
  const token = newSecret();
  return { token: sealSecret(token), tokenHash: sha256(token), plain: token };
};

export const confirmLink = (publicUrl: string, locale: string, token: string) =>
  `${publicUrl}/${locale}/status/subscriptions/confirm?token=${token}`;
export const unsubscribeLink = (publicUrl: string, locale: string, token: string) =>
  `${publicUrl}/${locale}/status/subscriptions/unsubscribe?token=${token}`;
/** RFC 8058 one-click target (POST `List-Unsubscribe=One-Click`). */
export const oneClickLink = (publicUrl: string, token: string) =>
  `${publicUrl}/api/v1/status/subscriptions/unsubscribe?token=${token}`;

/**
 * A visitor subscribes an address. The answer never says whether it was known: a new or unconfirmed
 * address gets a (fresh) confirmation e-mail, a confirmed one gets nothing and keeps its components.
 */
export async function subscribe(db: Db, input: { email: string; locale: string; componentIds: string[] }) {
  const email = input.email.trim().toLowerCase();
  const known = (await repo.findComponents(db, input.componentIds)).map((c) => c.id);
  await db.transaction(async (tx) => {
    const existing = await repo.findSubscriberByEmail(tx, email);
    if (existing?.confirmed) return;
    const t = newToken();
    const row = existing
      ? await repo.updateSubscriber(tx, existing.id, {
          token: t.token,
          tokenHash: t.tokenHash,
          locale: input.locale,
          componentIds: known,
        })
      : await repo.insertSubscriber(tx, {
          kind: 'email',
          email,
          locale: input.locale,
          componentIds: known,
          token: t.token,
          tokenHash: t.tokenHash,
        });
    await enqueue(tx, {
      topic: 'status.subscription_requested',
      emails: [{ payload: { template: 'status_confirm', subscriberId: row!.id } }],
    });
  });
}

/** Confirms the address behind a link; false when the link is unknown. */
export async function confirmSubscription(db: Db, token: string): Promise<boolean> {
  const row = await repo.findSubscriberByTokenHash(db, sha256(token));
  if (!row) return false;
  if (!row.confirmed) await repo.updateSubscriber(db, row.id, { confirmed: true, confirmedAt: new Date() });
  return true;
}

/** Removes the subscriber behind a link; false when the link is unknown (already removed). */
export async function unsubscribe(db: Db, token: string): Promise<boolean> {
  const row = await repo.findSubscriberByTokenHash(db, sha256(token));
  return row ? repo.deleteSubscriber(db, row.id) : false;
}

/** Staff add a webhook subscriber; its signing secret is returned once and sealed at rest. */
export async function createWebhookSubscriber(
  db: Db,
  actor: Actor,
  input: { url: string; locale: string; componentIds: string[]; secret?: string | undefined },
) {
  const secret = input.secret ?? newSecret();
  const t = newToken();
  const row = await db.transaction(async (tx) => {
    const row = await repo.insertSubscriber(tx, {
      kind: 'webhook',
      url: input.url,
      secret: sealSecret(secret),
      locale: input.locale,
      componentIds: input.componentIds,
      confirmed: true,
      confirmedAt: new Date(),
      token: t.token,
      tokenHash: t.tokenHash,
    });
    await recordAudit(tx, actor, {
      action: 'status_subscriber.created',
      subjectType: 'status_subscriber',
      subjectId: row.id,
    });
    return row;
  });
  return { row, secret };
}

export const listSubscribers = (db: DbOrTx, q: { limit: number; offset: number }) =>
  repo.listSubscribers(db, q);

export function removeSubscriber(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    if (!(await repo.deleteSubscriber(tx, id))) throw new NotFoundError('Subscriber');
    await recordAudit(tx, actor, {
      action: 'status_subscriber.deleted',
      subjectType: 'status_subscriber',
      subjectId: id,
    });
  });
}

/**
 * Queues one delivery per confirmed subscriber concerned by the incident (no component filter, or one
 * of its components), in the caller's transaction. The idempotency key makes it once per update.
 */
export async function notifySubscribers(tx: DbOrTx, incident: repo.IncidentRow, updateId: string) {
  const componentIds = new Set((await repo.impactsOf(tx, [incident.id])).map((i) => i.componentId));
  const subscribers = (await repo.confirmedSubscribers(tx)).filter(
    (s) => !s.componentIds.length || s.componentIds.some((c) => componentIds.has(c)),
  );
  if (!subscribers.length) return;
  const payload = (s: repo.SubscriberRow) => ({
    payload: { template: 'status_update', subscriberId: s.id, incidentId: incident.id, updateId },
    idempotencyKey: `status-${updateId}-${s.id}`,
  });
  await enqueue(tx, {
    topic: `${incident.kind}.updated`,
    emails: subscribers.filter((s) => s.kind === 'email').map(payload),
    webhooks: subscribers.filter((s) => s.kind === 'webhook').map(payload),
  });
}

type Row = Parameters<NonNullable<OutboxRenderer['emails']>[string]>[1];

/** What an update delivery shows, or why it can no longer be sent. */
async function renderUpdate(db: DbOrTx, row: Row) {
  const p = row.payload as { subscriberId: string; incidentId: string; updateId: string };
  const subscriber = await repo.findSubscriber(db, p.subscriberId);
  if (!subscriber) return 'subscriber gone';
  const full = await loadIncident(db, p.incidentId);
  const update = full?.updates.find((u) => u.id === p.updateId);
  if (!full || !update) return 'incident gone';
  return { subscriber, full, update, locale: subscriber.locale };
}

/** The outbox renderer of status deliveries (registered by the composition root). */
export function statusDeliveries(publicUrl: string): OutboxRenderer {
  return {
    emails: {
      status_confirm: async (db, row) => {
        const subscriber = await repo.findSubscriber(db, String(row.payload.subscriberId));
        if (!subscriber?.email || subscriber.confirmed) return { gone: 'subscriber gone or confirmed' };
        const copy = statusCopy(subscriber.locale);
        const { name } = await getBranding(db);
        return {
          to: subscriber.email,
          subject: copy.mailConfirmSubject(name),
          text: copy.mailConfirm(confirmLink(publicUrl, subscriber.locale, openSecret(subscriber.token))),
        };
      },
      status_update: async (db, row) => {
        const r = await renderUpdate(db, row);
        if (typeof r === 'string') return { gone: r };
        const { subscriber, full, update, locale } = r;
        if (!subscriber.email) return { gone: 'not an e-mail subscriber' };
        const copy = statusCopy(locale);
        const token = openSecret(subscriber.token);
        const title = pick(full.incident.titles, locale);
        const { name } = await getBranding(db);
        return {
          to: subscriber.email,
          subject: copy.mailUpdateSubject(name, title, copy.status[update.status]),
          text: copy.mailUpdate(
            title,
            copy.status[update.status],
            markdownToText(pick(update.bodies, locale)),
            `${publicUrl}${incidentPath(locale, full.incident.id)}`,
            unsubscribeLink(publicUrl, locale, token),
          ),
          headers: {
            'List-Unsubscribe': `<${oneClickLink(publicUrl, token)}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        };
      },
    },
    webhooks: {
      status_update: async (db, row) => {
        const r = await renderUpdate(db, row);
        if (typeof r === 'string') return { gone: r };
        const { subscriber, full, update, locale } = r;
        if (!subscriber.url || !subscriber.secret) return { gone: 'not a webhook subscriber' };
        const { incident, impacts } = full;
        return {
          url: subscriber.url,
          secret: openSecret(subscriber.secret),
          body: {
            incident: {
              id: incident.id,
              kind: incident.kind,
              name: pick(incident.titles, locale),
              status: incident.status,
              impact:
                incident.kind === 'maintenance' ? 'maintenance' : indicatorOf(impacts.map((i) => i.impact)),
              url: `${publicUrl}${incidentPath(locale, incident.id)}`,
              scheduled_for: incident.scheduledFor?.toISOString() ?? null,
              scheduled_until: incident.scheduledUntil?.toISOString() ?? null,
              components: impacts.map((i) => ({ id: i.componentId, impact: i.impact })),
            },
            update: {
              id: update.id,
              status: update.status,
              body: pick(update.bodies, locale),
              created_at: update.createdAt.toISOString(),
            },
          },
        };
      },
    },
  };
}
