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
  await recordEvents(db, [input]);
}

/** Several events in one insert (the event buffer's batches). */
export async function recordEvents(db: DbOrTx, inputs: EventInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await db.insert(events).values(
    inputs.map((input) => ({
      ...(input.at ? { at: input.at } : {}),
      type: input.type,
      channel: input.channel,
      visitorId: input.visitorId ?? null,
      sessionId: input.sessionId ?? null,
      locale: input.locale ?? null,
      subjectType: input.subjectType ?? null,
      subjectId: input.subjectId ?? null,
      data: maskDeep(input.data ?? {}),
    })),
  );
}

/** First-party analytics cookies (set by src/modules/analytics/ids.ts). */
export const VISITOR_COOKIE = 'relais_vid';
export const SESSION_COOKIE = 'relais_sid';

/**
 * The anonymous analytics ids a request already carries (first-party cookies set by the analytics
 * module with the visitor's consent); never creates one. Server-side recorders pass them on.
 */
export function requestIds(req: { cookies: Record<string, string | undefined> }): {
  visitorId: string | null;
  sessionId: string | null;
} {
  const valid = (v: string | undefined) => (v && /^[A-Za-z0-9_-]{16,64}$/.test(v) ? v : null);
  return { visitorId: valid(req.cookies[VISITOR_COOKIE]), sessionId: valid(req.cookies[SESSION_COOKIE]) };
}

/** What a search recorded for analytics says: enough for zero-result, abstain and gap reports. */
export function searchEvent(
  channel: Channel,
  ids: { visitorId: string | null; sessionId: string | null },
  query: string,
  result: { locale: string; abstain: boolean; confidence: number; resultCount: number },
): EventInput {
  return {
    type: 'search.performed',
    channel,
    ...ids,
    locale: result.locale,
    data: {
      query,
      resultCount: result.resultCount,
      confidence: Math.round(result.confidence * 1000) / 1000,
      abstained: result.abstain,
    },
  };
}
