import { type Actor, can, type Rules } from '../../server/access.ts';
import type { ArticleRow } from './repository.ts';

const isPublicPublished = (a: Pick<ArticleRow, 'status' | 'visibility'>) =>
  a.status === 'published' && a.visibility === 'public';

/**
 * Object-level rules on articles. Route-level permissions (`config.access`) are checked first;
 * these decide on one article. Lifecycle order (e.g. reject only what is in review) is the service's job.
 */
export const articleRules = {
  /** The public sees published public answers; staff with content:read see everything. */
  read: (actor: Actor, a: ArticleRow) => isPublicPublished(a) || can(actor, 'content:read'),
  /** Editors change drafts and articles in review; changing what is live requires content:publish. */
  edit: (actor: Actor, a: ArticleRow) =>
    can(actor, 'content:write') &&
    (a.status === 'draft' || a.status === 'in_review' || can(actor, 'content:publish')),
  submit: (actor: Actor, _a: ArticleRow) => can(actor, 'content:write'),
  publish: (actor: Actor, _a: ArticleRow) => can(actor, 'content:publish'),
  /** Feedback is accepted only where the public can read. */
  feedback: (_actor: Actor, a: ArticleRow) => isPublicPublished(a),
  delete: (actor: Actor, a: ArticleRow) =>
    can(actor, 'content:publish') || (can(actor, 'content:write') && a.status === 'draft'),
} satisfies Rules<ArticleRow>;
