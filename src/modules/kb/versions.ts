import { createTwoFilesPatch } from 'diff';
import type { Db, DbOrTx } from '../../db/client.ts';
import { type Actor, authorize } from '../../server/access.ts';
import { NotFoundError } from '../../server/errors.ts';
import { type ArticleContent, CONTENT_FIELDS, findArticle, saveContent } from './articles.ts';
import { articleRules } from './policies.ts';
import * as repo from './repository.ts';

// Versions of an article: history, field diffs, restore (as a new version).

export const listVersions = (db: DbOrTx, articleId: string) => repo.listVersions(db, articleId);

export async function findVersion(db: DbOrTx, articleId: string, version: number) {
  const v = await repo.findVersion(db, articleId, version);
  if (!v) throw new NotFoundError('Version');
  return v;
}

function asText(value: unknown): string {
  if (Array.isArray(value)) return value.join('\n');
  if (value === null || value === undefined) return '';
  return String(value);
}

/** Field-by-field unified diffs between two versions of an article (only changed fields). */
export async function diffVersions(db: DbOrTx, articleId: string, from: number, to: number) {
  const [a, b] = [await findVersion(db, articleId, from), await findVersion(db, articleId, to)];
  const changes = CONTENT_FIELDS.flatMap((field) => {
    const [x, y] = [asText(a.snapshot[field]), asText(b.snapshot[field])];
    if (x === y) return [];
    const patch = createTwoFilesPatch(`v${from}/${field}`, `v${to}/${field}`, `${x}\n`, `${y}\n`, '', '', {
      context: 3,
    });
    return [{ field, before: x, after: y, patch }];
  });
  return { from, to, changes };
}

/** Restores an old version's content as a new version (history is never rewritten). */
export async function restoreVersion(db: Db, actor: Actor, articleId: string, version: number) {
  return db.transaction(async (tx) => {
    const before = await findArticle(tx, articleId);
    authorize(articleRules, actor, 'edit', before);
    const old = await findVersion(tx, articleId, version);
    const patch = Object.fromEntries(
      CONTENT_FIELDS.filter((f) => f in old.snapshot).map((f) => [f, old.snapshot[f]]),
    ) as Partial<ArticleContent>;
    return saveContent(tx, actor, before, patch, `Restored version ${version}`, 'article.restored');
  });
}
