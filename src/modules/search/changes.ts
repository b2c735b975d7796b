import type { DbOrTx } from '../../db/client.ts';
import { notifyOnCommit } from '../../db/notify.ts';

/** Channel on which content writes announce what the search index must refresh. */
export const CONTENT_CHANNEL = 'relais_content_changed';

/**
 * Announces, inside the write's transaction, that these article ids changed (created, edited,
 * published, archived, deleted, visibility…), delivered to every node at commit.
 */
export async function announceContentChange(tx: DbOrTx, articleIds: string[]): Promise<void> {
  if (articleIds.length === 0) return;
  // pg_notify payloads are limited to 8000 bytes: large batches ask for a full rebuild instead.
  const payload = JSON.stringify(articleIds.length > 100 ? { all: true } : { ids: articleIds });
  await notifyOnCommit(tx, CONTENT_CHANNEL, payload);
}
