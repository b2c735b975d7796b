import type { DbOrTx } from '../../db/client.ts';
import { events } from '../../db/schema.ts';
import { maskDeep } from './mask.ts';

export type Channel = 'helpcentre' | 'widget' | 'bot' | 'api' | 'email' | 'console' | 'messaging' | 'voice';

export interface EventInput {
  /** `noun.past_verb`: `search.performed`, `search.abstained`, `article.viewed`, `feedback.given`,
   *  `conversation.started`, `flow.step_reached`, `escalation.created`, `ticket.created`… */
  type: string;
  channel: Channel;
  /** Anonymous, random, first-party ids: never an e-mail, a customer id or an IP address. */
  visitorId?: string | null | undefined;
  sessionId?: string | null | undefined;
  locale?: string | null | undefined;
  subjectType?: string | null | undefined;
  subjectId?: string | null | undefined;
  /** When it happened; defaults to now. For imports, backfills and tests — never a browser's clock. */
  at?: Date | undefined;
  /** Free-form facts (query text, confidence, step…); strings are masked for personal data. */
  data?: Record<string, unknown> | undefined;
}

/**
 * The one event recorder behind analytics. Append-only; call it inside the write's transaction when
 * there is one. Personal data in `data` is masked before storage.
 */
export async function recordEvent(db: DbOrTx, input: EventInput): Promise<void> {
  await db.insert(events).values({
    ...(input.at ? { at: input.at } : {}),
    type: input.type,
    channel: input.channel,
    visitorId: input.visitorId ?? null,
    sessionId: input.sessionId ?? null,
    locale: input.locale ?? null,
    subjectType: input.subjectType ?? null,
    subjectId: input.subjectId ?? null,
    data: maskDeep(input.data ?? {}),
  });
}
