/**
 * Peer libraries behind the evaluation `Ranker` interface, each used the way its documentation
 * recommends, with sensible fuzzy/prefix options. Search libraries index one document per formulation
 * (the FAQ-matching usage; a label's rank is its best formulation's rank) or one document per answer
 * (its formulations concatenated) — `granularity` picks; the benchmark uses the better one per library.
 * Only nlp.js has a natural abstention rule (its "None" intent below the score threshold); the search
 * libraries never abstain except when nothing matches at all.
 */
import { create, insertMultiple, type Orama, search } from '@orama/orama';
import { Charset, Encoder, Index } from 'flexsearch';
import EnglishPreset from 'flexsearch/lang/en';
import FrenchPreset from 'flexsearch/lang/fr';
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import type { NlpManager } from 'node-nlp';
import type { Locale } from '../src/engine/types.ts';
import type { EvalAnswer } from '../src/evaluation/dataset.ts';
import type { Ranker, RankResult } from '../src/evaluation/metrics.ts';

export type Granularity = 'formulation' | 'answer';

interface Doc {
  id: number;
  label: string;
  text: string;
}

function toDocs(answers: EvalAnswer[], granularity: Granularity): Doc[] {
  const docs: Doc[] = [];
  for (const answer of answers) {
    const texts = granularity === 'answer' ? [answer.formulations.join('\n')] : answer.formulations;
    for (const text of texts) docs.push({ id: docs.length, label: answer.id, text });
  }
  return docs;
}

/** First k distinct labels of ranked documents. */
function topLabels(docIds: Iterable<number | string>, docs: Doc[], k: number): string[] {
  const labels: string[] = [];
  const seen = new Set<string>();
  for (const id of docIds) {
    const label = docs[Number(id)]!.label;
    if (seen.has(label)) continue;
    seen.add(label);
    labels.push(label);
    if (labels.length >= k) break;
  }
  return labels;
}

const result = (ids: string[]): RankResult => ({ ids, abstain: ids.length === 0 });

/** MiniSearch: BM25+, fuzzy 0.2 and prefix search, OR of terms (its documented defaults for search-as-you-type). */
export function miniSearchRanker(granularity: Granularity = 'formulation'): Ranker {
  let docs: Doc[] = [];
  let index: MiniSearch<Doc> | undefined;
  return {
    name: 'MiniSearch',
    index(answers) {
      docs = toDocs(answers, granularity);
      index = new MiniSearch<Doc>({
        fields: ['text'],
        searchOptions: { fuzzy: 0.2, prefix: true, combineWith: 'OR' },
      });
      index.addAll(docs);
    },
    rank(query, k) {
      const hits = index!.search(query);
      return result(
        topLabels(
          hits.map((h) => h.id as number),
          docs,
          k,
        ),
      );
    },
  };
}

/** Lunr: English pipeline (stemmer, stop words) for English, no stemmer for French (lunr-languages not
 *  installed); each query term as exact (boost 10), trailing wildcard (boost 3) and edit distance 1. */
export function lunrRanker(locale: Locale = 'en', granularity: Granularity = 'formulation'): Ranker {
  let docs: Doc[] = [];
  let index: lunr.Index | undefined;
  return {
    name: 'Lunr',
    index(answers) {
      docs = toDocs(answers, granularity);
      index = lunr(function () {
        if (locale !== 'en') {
          this.pipeline.remove(lunr.stemmer);
          this.pipeline.remove(lunr.stopWordFilter);
          this.searchPipeline.remove(lunr.stemmer);
        }
        this.ref('id');
        this.field('text');
        for (const doc of docs) this.add(doc);
      });
    },
    rank(query, k) {
      const tokens = lunr.tokenizer(query);
      const hits = index!.query((q) => {
        q.term(tokens, { boost: 10 });
        q.term(tokens, { wildcard: lunr.Query.wildcard.TRAILING, boost: 3 });
        q.term(tokens, { editDistance: 1, boost: 1 });
      });
      return result(
        topLabels(
          hits.map((h) => h.ref),
          docs,
          k,
        ),
      );
    },
  };
}

/** Orama: BM25 full-text search with typo tolerance 1, language-aware tokenizer (no stemmer plugin). */
export function oramaRanker(
  locale: Locale = 'en',
  granularity: Granularity = 'formulation',
  tolerance = 1,
): Ranker {
  let docs: Doc[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: Orama's schema generics are not worth spelling out here.
  let db: Orama<any> | undefined;
  return {
    name: 'Orama',
    async index(answers) {
      docs = toDocs(answers, granularity);
      db = create({
        schema: { text: 'string', label: 'string' } as const,
        language: locale === 'fr' ? 'french' : 'english',
      });
      await insertMultiple(
        db,
        docs.map((d) => ({ id: String(d.id), text: d.text, label: d.label })),
      );
    },
    async rank(query, k) {
      const hits = await search(db!, {
        term: query,
        properties: ['text'],
        tolerance,
        limit: granularity === 'formulation' ? Math.max(100, k * 20) : k,
      });
      return result(
        topLabels(
          hits.hits.map((h) => h.id),
          docs,
          k,
        ),
      );
    },
  };
}

/** FlexSearch: forward (prefix) tokenizer, LatinBalance charset + the language preset (stemmer, stop
 *  words), contextual index, `suggest: true` so partial matches count (natural-language queries). */
export function flexSearchRanker(locale: Locale = 'en', granularity: Granularity = 'formulation'): Ranker {
  let docs: Doc[] = [];
  let index: Index | undefined;
  return {
    name: 'FlexSearch',
    index(answers) {
      docs = toDocs(answers, granularity);
      const preset = locale === 'fr' ? FrenchPreset : EnglishPreset;
      // The Encoder constructor merges several option objects (variadic in the implementation).
      const encoder = new (Encoder as unknown as new (...options: unknown[]) => Encoder)(
        Charset.LatinBalance,
        preset,
      );
      index = new Index({ tokenize: 'forward', encoder, resolution: 9, context: true });
      for (const doc of docs) index.add(doc.id, doc.text);
    },
    rank(query, k) {
      const ids = index!.search(query, {
        limit: granularity === 'formulation' ? Math.max(100, k * 20) : k,
        suggest: true,
      }) as Array<number | string>;
      return result(topLabels(ids, docs, k));
    },
  };
}

/** nlp.js: its NLU intent classifier (NlpManager) trained on the formulations; abstains on "None"
 *  (best score below its default threshold 0.5). */
export function nlpjsRanker(locale: Locale = 'en'): Ranker {
  let manager: NlpManager | undefined;
  return {
    name: 'nlp.js',
    async index(answers) {
      const { NlpManager } = await import('node-nlp');
      manager = new NlpManager({
        languages: [locale],
        autoSave: false,
        autoLoad: false,
        forceNER: false,
        calculateSentiment: false,
        nlu: { log: false },
      });
      for (const answer of answers) {
        for (const text of answer.formulations) manager!.addDocument(locale, text, answer.id);
      }
      await manager!.train();
    },
    async rank(query, k) {
      const out = await manager!.process(locale, query);
      const ids = (out.classifications ?? [])
        .filter((c) => c.intent !== 'None' && c.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, k)
        .map((c) => c.intent);
      return { ids, abstain: out.intent === 'None' || ids.length === 0 };
    },
  };
}
