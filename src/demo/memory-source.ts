import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineDocument, Visibility } from '../engine/types.ts';
import type { AnswerCard, SearchSource } from '../modules/search/plugin.ts';

const contentDir = fileURLToPath(new URL('./content/', import.meta.url));

interface DemoLocaleAnswer {
  slug: string;
  title: string;
  shortAnswer: string;
  body: string;
  formulations: string[];
  testQueries: string[];
}
export interface DemoAnswer {
  key: string;
  tags: string[];
  visibility: Visibility;
  segments: string[];
  fr: DemoLocaleAnswer;
  en: DemoLocaleAnswer;
}

/** The demo answers of every category file (not out-of-scope.json). */
export function readDemoAnswers(): DemoAnswer[] {
  return readdirSync(contentDir)
    .filter((f) => f.endsWith('.json') && f !== 'out-of-scope.json')
    .sort()
    .flatMap((f) => (JSON.parse(readFileSync(contentDir + f, 'utf8')) as { answers: DemoAnswer[] }).answers);
}

export function readOutOfScope(): { fr: string[]; en: string[] } {
  return JSON.parse(readFileSync(`${contentDir}out-of-scope.json`, 'utf8'));
}

/** Id of a demo answer in one locale, in sources that are not the knowledge base. */
export const demoAnswerId = (key: string, locale: string) => `${key}.${locale}`;

/**
 * The demo content as a SearchSource kept in memory: the module's injection point for tests and benches
 * while no knowledge base is wired (held-out `testQueries` are never indexed).
 */
export function demoMemorySource(filter: (a: DemoAnswer) => boolean = () => true): SearchSource & {
  docs: EngineDocument[];
} {
  const docs: EngineDocument[] = [];
  const cards = new Map<string, AnswerCard>();
  for (const a of readDemoAnswers().filter(filter)) {
    for (const locale of ['fr', 'en'] as const) {
      const l = a[locale];
      const id = demoAnswerId(a.key, locale);
      docs.push({
        id,
        locale,
        title: l.title,
        shortAnswer: l.shortAnswer,
        body: l.body,
        formulations: l.formulations,
        tags: a.tags,
        visibility: a.visibility,
        segments: a.segments,
      });
      cards.set(id, {
        id,
        locale,
        title: l.title,
        shortAnswer: l.shortAnswer,
        url: `/${locale}/a/${l.slug}`,
      });
    }
  }
  return memorySource(docs, cards);
}

/** Any list of documents as a SearchSource; cards are derived from the documents when not given. */
export function memorySource(
  docs: EngineDocument[],
  cards = new Map<string, AnswerCard>(),
): SearchSource & { docs: EngineDocument[] } {
  return {
    docs,
    async load(ids?: string[]) {
      return ids ? docs.filter((d) => ids.includes(d.id)) : docs;
    },
    async cards(ids: string[]) {
      return ids.flatMap((id) => {
        const card = cards.get(id);
        if (card) return [card];
        const d = docs.find((x) => x.id === id);
        return d
          ? [
              {
                id,
                locale: d.locale,
                title: d.title,
                shortAnswer: d.shortAnswer ?? '',
                url: `/${d.locale}/a/${id}`,
              },
            ]
          : [];
      });
    },
  };
}
