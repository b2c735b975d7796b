import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { NotFoundError } from '../../server/errors.ts';
import { type Channel, recordEvent } from '../events/service.ts';
import { articleRules } from './policies.ts';
import * as repo from './repository.ts';

// Readers' "was this helpful?" votes and comments.

export async function recordFeedback(
  db: Db,
  actor: Actor,
  articleId: string,
  helpful: boolean,
  comment: string | undefined,
  context: { channel: Channel; visitorId: string | null; sessionId: string | null },
  /** The reader's verified segments (a signed-in customer's plan): their segment articles take votes too. */
  readerSegments: string[] = [],
) {
  return db.transaction(async (tx) => {
    const a = await repo.findArticle(tx, articleId);
    const grantedSegment =
      a?.status === 'published' &&
      a.visibility === 'segment' &&
      a.segments.some((s) => readerSegments.includes(s));
    if (!a || !(articleRules.feedback(actor, a) || grantedSegment)) throw new NotFoundError('Article');
    await repo.insertFeedback(tx, articleId, helpful, comment?.trim() || null);
    // The comment stays in article_feedback (it may hold personal data); analytics gets the vote.
    await recordEvent(tx, {
      type: 'feedback.given',
      ...context,
      locale: a.locale,
      subjectType: 'article',
      subjectId: articleId,
      data: { helpful },
    });
  });
}

export const listFeedback = (db: DbOrTx, articleId: string, limit = 100) =>
  repo.listFeedback(db, articleId, limit);
