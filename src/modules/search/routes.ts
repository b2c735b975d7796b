import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MatchOptions } from '../../engine/types.ts';
import { type Actor, can, isStaff } from '../../server/access.ts';
import { requestIds, searchEvent } from '../events/service.ts';
import { Locale } from '../settings/schemas.ts';
import { incidentFirst } from '../status/service.ts';
import { backendOf, type FoundAnswers, findAnswers } from './service.ts';
import { listSynonyms, replaceSynonyms } from './synonyms.ts';

const QueryLocale = Locale.describe('Locale such as `fr` or `en`; omitted → detected from the text.');

const Highlight = z.object({
  field: z.enum(['title', 'shortAnswer', 'body', 'formulation', 'tags']),
  text: z.string(),
  ranges: z.array(z.tuple([z.number(), z.number()])),
});

const Hit = z.object({
  id: z.string(),
  locale: z.string(),
  title: z.string(),
  shortAnswer: z.string(),
  url: z.string().describe('Help-centre URL of the answer.'),
  score: z.number(),
  confidence: z.number().describe('Calibrated probability that this is the right answer.'),
  matchedTerms: z.array(z.string()),
  matchedFormulation: z.string().optional().describe('Closest customer phrasing (staff only).'),
  highlights: z.array(Highlight),
});

const SearchResponse = z.object({
  locale: z.string(),
  abstain: z.boolean().describe('True when Relais is not sure: offer to rephrase or reach a human.'),
  confidence: z.number(),
  terms: z.array(z.string()).describe('Analysed query terms, after synonyms.'),
  results: z.array(Hit),
});

const Audience = z
  .enum(['public', 'internal'])
  .default('public')
  .describe('`internal` (staff with content:read) also searches agents-only and segment content.');

/** Public callers see public content; only staff may search internal content or impersonate segments. */
function filtersFor(
  actor: Actor,
  audience: 'public' | 'internal',
  segments: string[] | undefined,
): MatchOptions & { audience: 'public' | 'internal' } {
  const staff = can(actor, 'content:read');
  return { audience: staff ? audience : 'public', segments: staff ? (segments ?? []) : [] };
}

function present({ match, hits }: FoundAnswers) {
  return {
    locale: match.locale,
    abstain: match.abstain,
    confidence: match.confidence,
    terms: match.terms,
    results: hits,
  };
}

const searchRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/v1/search',
    {
      config: { access: 'public' },
      schema: {
        tags: ['search'],
        summary: 'Rank answers for a question typed in natural language (typos, no accents, FR/EN).',
        querystring: z.strictObject({
          q: z.string().trim().min(1).max(500),
          locale: QueryLocale.optional(),
          limit: z.coerce.number().int().min(1).max(20).default(5),
          prefix: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true')
            .describe('As-you-type: the last word is a prefix.'),
          audience: Audience,
          segments: z.string().max(500).optional().describe('Comma-separated, e.g. `plan=pro` (staff only).'),
        }),
        response: { 200: SearchResponse },
      },
    },
    async (req) => {
      const { q, locale, limit, prefix, audience, segments } = req.query;
      const filters = filtersFor(req.actor, audience, segments?.split(',').filter(Boolean));
      const options = { ...filters, limit, prefix };
      const found = await findAnswers(backendOf(app), q, locale ? { ...options, locale } : options);
      const result = found.match;
      const shown = present(found);
      // Customers' searches feed analytics (as-you-type keystrokes and staff playground tests do not).
      if (!prefix && !isStaff(req.actor)) {
        app.eventBuffer.record(
          searchEvent('api', requestIds(req), q, { ...result, resultCount: shown.results.length }),
        );
      }
      return shown;
    },
  );

  app.post(
    '/api/v1/answer',
    {
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['search'],
        summary: 'The best answer to a question, or an honest abstention with the closest candidates.',
        body: z.strictObject({
          question: z.string().trim().min(1).max(1000),
          locale: QueryLocale.optional(),
          audience: Audience,
          segments: z.array(z.string().max(100)).max(20).optional(),
        }),
        response: {
          200: z.object({
            incident: z
              .object({
                id: z.string(),
                title: z.string(),
                status: z.string(),
                impact: z.string(),
                message: z.string(),
                url: z.string(),
              })
              .nullable()
              .describe('Status page: the open incident this question concerns, to show before the answer.'),
            answered: z.boolean(),
            answer: Hit.nullable().describe('Null when Relais abstains.'),
            confidence: z.number(),
            locale: z.string(),
            candidates: z.array(Hit),
          }),
        },
      },
    },
    async (req) => {
      const { question, locale, audience, segments } = req.body;
      const filters = filtersFor(req.actor, audience, segments);
      const options = { ...filters, limit: 3 };
      const found = await findAnswers(backendOf(app), question, locale ? { ...options, locale } : options);
      const result = found.match;
      const shown = present(found);
      if (!isStaff(req.actor)) {
        const resultCount = shown.results.length;
        app.eventBuffer.record(searchEvent('api', requestIds(req), question, { ...result, resultCount }));
      }
      const best = shown.results[0];
      const answered = !result.abstain && best !== undefined;
      // Status page (issue 19): a question about a degraded component gets the open incident first.
      const notice = await incidentFirst(app.db, question, result.locale, {
        channel: 'api',
        ...requestIds(req),
      });
      return {
        incident: notice && {
          id: notice.id,
          title: notice.title,
          status: notice.status,
          impact: notice.impact,
          message: notice.message,
          url: `${app.config.publicUrl}${notice.path}`,
        },
        answered,
        answer: answered ? best : null,
        confidence: result.confidence,
        locale: result.locale,
        candidates: shown.results,
      };
    },
  );

  app.get(
    '/api/v1/search/status',
    {
      config: { access: 'content:read' },
      schema: {
        tags: ['search'],
        summary: 'Index size, build time and memory of this node.',
        response: {
          200: z.object({
            ready: z.boolean(),
            documents: z.number(),
            buildMs: z.number(),
            heapDeltaBytes: z.number(),
            builtAt: z.string().nullable(),
            semantic: z.string().nullable(),
          }),
        },
      },
    },
    async () => ({ ready: app.searchIndex.ready, ...app.searchIndex.stats }),
  );

  const Rule = z.strictObject({
    terms: z.array(z.string().trim().min(1).max(100)).min(2).max(20),
    oneWay: z
      .boolean()
      .optional()
      .describe('`terms[0]` is rewritten to the others (abbreviation); otherwise all are equivalent.'),
  });

  app.get(
    '/api/v1/synonyms',
    {
      config: { access: 'content:read' },
      schema: {
        tags: ['search'],
        summary: 'Synonyms and abbreviations, per locale.',
        querystring: z.strictObject({ locale: QueryLocale.optional() }),
        response: { 200: z.object({ items: z.array(Rule.extend({ locale: z.string() })) }) },
      },
    },
    async (req) => {
      const all = await listSynonyms(app.db);
      return { items: req.query.locale ? all.filter((r) => r.locale === req.query.locale) : all };
    },
  );

  app.put(
    '/api/v1/synonyms/:locale',
    {
      config: { access: 'content:write' },
      schema: {
        tags: ['search'],
        summary: "Replace a locale's synonyms; every node applies them without restart.",
        params: z.strictObject({ locale: QueryLocale }),
        body: z.strictObject({ rules: z.array(Rule).max(2000) }),
        response: { 200: z.object({ items: z.array(Rule.extend({ locale: z.string() })) }) },
      },
    },
    async (req) => ({ items: await replaceSynonyms(app.db, req.actor, req.params.locale, req.body.rules) }),
  );
};

export default searchRoutes;
