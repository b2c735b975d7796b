import type { FastifyInstance } from 'fastify';
import type { Candidate, MatchOptions, MatchResult } from '../../engine/types.ts';
import type { AnswerCard, SearchSource } from './plugin.ts';

export type SearchAudience = 'public' | 'internal';

/** A matched answer as every surface shows it: its card, then the engine's score and "why". */
export type AnswerHit = AnswerCard & Candidate;

export interface FoundAnswers {
  /** The engine's result (locale, confidence, abstention, all candidates). */
  match: MatchResult;
  /** Cards of the candidates the audience may see, as the source returned them. */
  cards: AnswerCard[];
  /** Candidates that have a card, in the engine's order, merged with it. */
  hits: AnswerHit[];
}

export interface SearchBackend {
  index: { match(query: string, options: MatchOptions): Promise<MatchResult> | MatchResult };
  source: Pick<SearchSource, 'cards'>;
}

/** This node's index and the knowledge base's cards (decorated by the search plugin). */
export const backendOf = (app: FastifyInstance): SearchBackend => ({
  index: app.searchIndex,
  source: app.searchSource,
});

/**
 * The one search path of every surface (API, help centre, bot, contact suggestions): match with the
 * audience's filters, load the cards that audience may see — the engine filters by audience itself,
 * the cards re-check visibility in SQL — and merge them in the engine's order. The best-matching
 * formulation (an editor's wording) is kept for the internal audience only.
 */
export async function findAnswers(
  backend: SearchBackend,
  query: string,
  options: MatchOptions & { audience: SearchAudience },
): Promise<FoundAnswers> {
  const match = await backend.index.match(query, options);
  // Segment answers held by a verified identity are not public cards: the engine has already kept only
  // those the segments grant, so their cards are read without the public-only filter.
  const cardAudience =
    options.audience === 'public' && options.segments?.length ? 'internal' : options.audience;
  const cards = await backend.source.cards(
    match.candidates.map((c) => c.id),
    cardAudience,
  );
  const byId = new Map(cards.map((c) => [c.id, c]));
  const internal = options.audience === 'internal';
  const hits = match.candidates.flatMap(({ matchedFormulation, ...candidate }) => {
    const card = byId.get(candidate.id);
    if (!card) return [];
    return [{ ...card, ...candidate, ...(internal && matchedFormulation ? { matchedFormulation } : {}) }];
  });
  return { match, cards, hits };
}
