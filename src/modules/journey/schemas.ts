import { z } from 'zod';

const Id = z.string().max(100);
const Title = z.string().max(300);

/** A search: the text typed, what was shown (ids and titles, in order) and whether Relais abstained. */
export const SearchStep = z.strictObject({
  kind: z.literal('search'),
  query: z.string().max(500),
  locale: z.string().max(10).optional(),
  shown: z.array(z.strictObject({ id: Id, title: Title })).max(10),
  abstained: z.boolean(),
});
/** An article read, with the title and locale the customer saw. */
export const ArticleStep = z.strictObject({
  kind: z.literal('article'),
  articleId: Id,
  title: Title,
  locale: z.string().max(10),
});
/** "Was this helpful?": the vote and the optional comment. */
export const VoteStep = z.strictObject({
  kind: z.literal('vote'),
  articleId: Id,
  title: Title,
  helpful: z.boolean(),
  comment: z.string().max(1000).optional(),
});
/** A guided-flow step: the flow's name, the node's label and the answer given, or the flow's outcome. */
export const FlowStep = z.strictObject({
  kind: z.literal('flow'),
  flowId: Id,
  flowName: Title,
  nodeId: Id,
  label: z.string().max(500),
  answer: z.string().max(500).optional(),
  outcome: z.enum(['completed', 'escalated', 'abandoned']).optional(),
});
/** A page of the host site or help centre the customer was on. */
export const PageStep = z.strictObject({ kind: z.literal('page'), url: z.string().max(2000) });

export const JourneyStep = z.discriminatedUnion('kind', [
  SearchStep,
  ArticleStep,
  VoteStep,
  FlowStep,
  PageStep,
]);
export type JourneyStep = z.infer<typeof JourneyStep>;

export type JourneySurface = 'helpcentre' | 'widget' | 'bot' | 'flow' | 'contact';

/** First-party journey ids: `h:<cookie>` (help centre) or `w:<visitor>` (widget, bot in the widget). */
export const JourneyId = z
  .string()
  .regex(/^[hw]:[\w-]{8,64}$/)
  .describe('First-party journey id, set by Relais (help-centre cookie or widget visitor).');
