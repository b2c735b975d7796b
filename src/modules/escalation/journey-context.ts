import type { JourneyContext } from '../journey/service.ts';
import type { EscalationContext } from './contract.ts';

type Context = Omit<EscalationContext, 'customer' | 'journeyId'>;

/**
 * The ticket's context with the customer's journey merged in: searches from every surface in time
 * order (the journey's carry what was shown and opened), articles with their titles and votes, flow
 * steps with the flow's name and the steps' labels, and the time before escalation from the journey's
 * first self-service step (not from when a panel was opened).
 */
export function mergeJourney(context: Context, journey: JourneyContext | undefined, now: Date): Context {
  if (!journey) return context;
  const byTime = <T extends { at: string }>(list: T[]) =>
    list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)).slice(-100);
  const key = (s: { at: string; query: string }) => `${s.at}|${s.query}`;
  const known = new Set(journey.searches.map(key));
  const searches = byTime([
    ...journey.searches,
    ...(context.searches ?? []).filter((s) => !known.has(key(s))),
  ]);
  // Articles a surface reported by id only get the title the journey recorded for them.
  const titles = new Map(journey.articlesViewed.map((a) => [a.articleId, a]));
  const journeyViews = new Set(journey.articlesViewed.map((a) => `${a.at}|${a.articleId}`));
  const articlesViewed = byTime([
    ...journey.articlesViewed,
    ...(context.articlesViewed ?? [])
      .filter((a) => !journeyViews.has(`${a.at}|${a.articleId}`))
      .map((a) => {
        const seen = titles.get(a.articleId);
        return seen ? { ...a, title: a.title ?? seen.title, locale: a.locale ?? seen.locale } : a;
      }),
  ]);
  // The journey records every flow step with its labels: when it has them, it is the flow path.
  const flowPath = journey.flowPath.length ? journey.flowPath : context.flowPath;
  const firstMs = Math.min(
    journey.firstAt.getTime(),
    ...[...searches, ...(context.transcript ?? [])].map((s) => Date.parse(s.at)).filter(Number.isFinite),
  );
  return {
    ...context,
    ...(journey.pages.length ? { pages: journey.pages } : {}),
    ...(searches.length ? { searches } : {}),
    ...(articlesViewed.length ? { articlesViewed } : {}),
    ...(flowPath?.length ? { flowPath } : {}),
    selfServiceMs: Math.max(0, now.getTime() - firstMs),
  };
}
