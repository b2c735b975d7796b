/**
 * The customer's journey: every self-service step on every surface, recorded through one entry
 * (`recordJourneyStep`) and handed over whole with an escalation (`takeJourneyForEscalation`, inside
 * the escalation's transaction). It exists only to serve the customer's own request: analytics never
 * read it, and it is purged 24 hours after its last step, whatever the analytics consent.
 */
import type { Db, DbOrTx } from '../../db/client.ts';
import * as repo from './repository.ts';
import { JourneyId, type JourneyStep, type JourneySurface } from './schemas.ts';

export type { JourneyStep, JourneySurface } from './schemas.ts';

/** How long a journey is kept after its last step. */
export const JOURNEY_RETENTION_MS = 24 * 3_600_000;
/** What one escalation carries at most (the escalation context's own limits). */
const MAX_STEPS = 100;

/** The journey id of a help-centre cookie value, or of a widget visitor id; undefined if malformed. */
export function journeyIdOf(kind: 'helpcentre' | 'widget', value: string | null | undefined) {
  if (!value) return undefined;
  const id = `${kind === 'helpcentre' ? 'h' : 'w'}:${value}`;
  return JourneyId.safeParse(id).success ? id : undefined;
}

/**
 * Records one step of a customer's journey. A missing or malformed id records nothing (a surface
 * without a journey id has no journey); steps are never a reason for a request to fail.
 */
export async function recordJourneyStep(
  db: DbOrTx,
  journeyId: string | undefined,
  surface: JourneySurface,
  step: JourneyStep,
  at = new Date(),
): Promise<void> {
  if (!journeyId || !JourneyId.safeParse(journeyId).success) return;
  await repo.touchJourney(db, journeyId, at);
  await repo.insertStep(db, { journeyId, at, surface, kind: step.kind, data: step });
}

type Shown = { id: string; title: string };

/** The journey as an escalation's context carries it: titles and names, never bare ids. */
export interface JourneyContext {
  /** When the first self-service step was taken (what "time before escalation" runs from). */
  firstAt: Date;
  pages: Array<{ at: string; url: string }>;
  searches: Array<{
    at: string;
    query: string;
    topAnswerId?: string;
    abstained: boolean;
    shown: Shown[];
    opened: Shown[];
  }>;
  articlesViewed: Array<{
    at: string;
    articleId: string;
    title: string;
    locale?: string;
    helpful?: boolean;
    comment?: string;
  }>;
  flowPath: Array<{
    flowId: string;
    flowName: string;
    nodeId: string;
    label: string;
    answer?: string;
    outcome?: 'completed' | 'escalated' | 'abandoned';
    at: string;
  }>;
}

/**
 * The steps since the journey's last escalation, shaped for the ticket, and marks them handed over:
 * call it inside the escalation's transaction so a step is handed over once, with its ticket.
 */
export async function takeJourneyForEscalation(
  tx: DbOrTx,
  journeyId: string | undefined,
  now = new Date(),
): Promise<JourneyContext | undefined> {
  if (!journeyId || !JourneyId.safeParse(journeyId).success) return undefined;
  const journey = await repo.lockJourney(tx, journeyId);
  if (!journey) return undefined;
  const steps = await repo.listSteps(tx, journeyId, journey.escalatedAt, MAX_STEPS * 3);
  await repo.markEscalated(tx, journeyId, now);
  if (!steps.length) return undefined;
  return shapeJourney(steps);
}

function shapeJourney(steps: repo.JourneyStepRow[]): JourneyContext {
  const out: JourneyContext = {
    firstAt: steps[0]!.at,
    pages: [],
    searches: [],
    articlesViewed: [],
    flowPath: [],
  };
  for (const row of steps) {
    const at = row.at.toISOString();
    const s = row.data as JourneyStep;
    switch (s.kind) {
      case 'page':
        out.pages.push({ at, url: s.url });
        break;
      case 'search':
        out.searches.push({
          at,
          query: s.query,
          ...(s.shown[0] && !s.abstained ? { topAnswerId: s.shown[0].id } : {}),
          abstained: s.abstained,
          shown: s.shown,
          opened: [],
        });
        break;
      case 'article': {
        // An article opened from the results of the latest search counts as that search's click.
        const last = out.searches.at(-1);
        if (last?.shown.some((x) => x.id === s.articleId) && !last.opened.some((x) => x.id === s.articleId))
          last.opened.push({ id: s.articleId, title: s.title });
        out.articlesViewed.push({ at, articleId: s.articleId, title: s.title, locale: s.locale });
        break;
      }
      case 'vote': {
        const viewed = out.articlesViewed.findLast((a) => a.articleId === s.articleId);
        const vote = { helpful: s.helpful, ...(s.comment ? { comment: s.comment } : {}) };
        if (viewed) Object.assign(viewed, vote);
        else out.articlesViewed.push({ at, articleId: s.articleId, title: s.title, ...vote });
        break;
      }
      case 'flow':
        out.flowPath.push({
          at,
          flowId: s.flowId,
          flowName: s.flowName,
          nodeId: s.nodeId,
          label: s.label,
          ...(s.answer !== undefined ? { answer: s.answer } : {}),
          ...(s.outcome ? { outcome: s.outcome } : {}),
        });
        break;
    }
  }
  out.searches = out.searches.slice(-MAX_STEPS);
  out.articlesViewed = out.articlesViewed.slice(-MAX_STEPS);
  out.flowPath = out.flowPath.slice(-MAX_STEPS);
  out.pages = out.pages.slice(-MAX_STEPS);
  return out;
}

/** Deletes journeys whose last step is older than the retention (24 h); run by the periodic job. */
export async function purgeExpiredJourneys(db: Db, now = new Date()): Promise<number> {
  return repo.purgeBefore(db, new Date(now.getTime() - JOURNEY_RETENTION_MS));
}

/** Articles opened in this journey, most recent first, each once (the customer portal's "recently viewed"). */
export async function recentlyViewedArticleIds(db: DbOrTx, journeyId: string, limit = 5): Promise<string[]> {
  const steps = await repo.listSteps(db, journeyId, null, 200);
  const ids: string[] = [];
  for (const step of steps.reverse()) {
    const id = step.kind === 'article' ? step.data.articleId : undefined;
    if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
  }
  return ids.slice(0, limit);
}
