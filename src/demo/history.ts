/**
 * Ninety days of demo analytics (issue 16): on a fresh install the dashboard, the reports and the
 * content gaps have something true to the demo to show — searches typed the way Nuvia's customers
 * ask (the demo's formulations and held-out paraphrases), articles read and voted on, guided flows
 * walked step by step, hand-overs, surveys, and a few questions the knowledge base cannot answer yet
 * (the gaps an editor should write next). Deterministic (seeded), every session in `demo:` so the
 * console removes it in one click (analytics `removeDemoHistory`).
 */
import type { Db } from '../db/client.ts';
import { DEMO_SESSION_PREFIX, recordDemoHistory } from '../modules/analytics/demo-history.ts';
import { edges } from '../modules/bot/flow-schema.ts';
import { loadRunnableFlow } from '../modules/bot/flow-service.ts';
import type { Channel, EventInput } from '../modules/events/service.ts';
import { readDemoFiles } from './load.ts';

const DAY = 86_400_000;

/** Questions nobody has answered yet: they cluster into the content-gaps panel. */
const GAPS: Record<'fr' | 'en', string[][]> = {
  fr: [
    ['changer le titulaire de la ligne', 'transférer mon contrat à mon fils', 'céder ma ligne à quelqu’un'],
    ['esim sur ma montre connectée', 'activer une esim pour ma montre', 'montre connectée esim compatible'],
    [
      'fibre dans un immeuble neuf',
      'immeuble neuf pas encore raccordé fibre',
      'raccordement fibre logement neuf',
    ],
    ['facture en anglais', 'recevoir ma facture en anglais'],
  ],
  en: [
    ['transfer my line to someone else', 'change the account holder'],
    ['esim on my smartwatch', 'smartwatch esim activation'],
  ],
};

interface Answer {
  key: string;
  queries: string[];
  slug: string;
}

/** A small seeded generator (mulberry32): the same history on every install. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick, chance: (p: number) => next() < p };
}

interface Options {
  /** Knowledge-base id of a demo answer in a locale. */
  articleId: (key: string, locale: 'fr' | 'en') => string | undefined;
  flowIds: string[];
  days?: number;
  now?: Date;
}

/** Builds the events (no database writes): exported for the test of their shape. */
export async function buildDemoHistory(db: Db, options: Options): Promise<EventInput[]> {
  const rnd = random(20_261_208);
  const days = options.days ?? 90;
  const now = options.now ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const answers: Record<'fr' | 'en', Answer[]> = { fr: [], en: [] };
  for (const file of readDemoFiles()) {
    for (const answer of file.answers) {
      for (const locale of ['fr', 'en'] as const) {
        const l = answer[locale] as
          | { slug: string; formulations: string[]; testQueries?: string[] }
          | undefined;
        if (!l || answer.visibility !== 'public') continue;
        answers[locale].push({
          key: answer.key,
          slug: l.slug,
          queries: [...l.formulations, ...(l.testQueries ?? [])],
        });
      }
    }
  }
  // Each flow walked from its start: a random choice at each question, sometimes abandoned.
  const flows = [];
  for (const id of options.flowIds) {
    const flow = await loadRunnableFlow(db, id);
    if (flow) flows.push({ id, locale: flow.definition.locale, def: flow.definition });
  }

  const out: EventInput[] = [];
  let session = 0;
  for (let d = days; d >= 1; d--) {
    const dayStart = today - d * DAY;
    const weekday = new Date(dayStart).getUTCDay();
    const growth = 1 + 0.5 * ((days - d) / days);
    const sessions = Math.round(
      (weekday === 0 || weekday === 6 ? 14 : 26) * growth * (0.8 + 0.4 * rnd.next()),
    );
    for (let s = 0; s < sessions; s++) {
      session++;
      const locale = rnd.chance(0.8) ? 'fr' : 'en';
      const channel: Channel = rnd.pick([
        'helpcentre',
        'helpcentre',
        'helpcentre',
        'widget',
        'widget',
        'bot',
      ]);
      // A quarter of visitors come back: their id is reused across days.
      const visitor = rnd.chance(0.25)
        ? `${DEMO_SESSION_PREFIX}v${Math.floor(rnd.next() * 200)}`
        : `${DEMO_SESSION_PREFIX}v${session + 1000}`;
      const sessionId = `${DEMO_SESSION_PREFIX}${session}`;
      // Office hours weigh more than the night.
      let t = dayStart + (rnd.chance(0.8) ? 8 + rnd.next() * 11 : rnd.next() * 24) * 3_600_000;
      const at = () => {
        t += (10 + rnd.next() * 90) * 1000;
        return new Date(t);
      };
      const base = { channel, visitorId: visitor, sessionId, locale };
      const push = (e: Omit<EventInput, 'channel' | 'visitorId' | 'sessionId' | 'locale'>) =>
        out.push({ ...base, ...e, at: at() });
      let escalate = false;
      let survey: 'article' | 'flow' | 'contact' | null = null;
      const roll = rnd.next();
      const ofLocale = flows.filter((f) => f.locale === locale);
      const flow = ofLocale.length ? rnd.pick(ofLocale) : undefined;

      if (roll < 0.12) {
        // A question the knowledge base does not answer yet.
        const query = rnd.pick(rnd.pick(GAPS[locale]));
        push({
          type: 'search.performed',
          data: { query, resultCount: 0, confidence: 0.1 + rnd.next() * 0.2, abstained: true },
        });
        escalate = rnd.chance(0.55);
      } else if (roll < 0.22 && flow && channel !== 'helpcentre') {
        push({ type: 'flow.started', subjectType: 'flow', subjectId: flow.id });
        let nodeId = flow.def.start;
        for (let i = 0; i < 12; i++) {
          const node = flow.def.nodes[nodeId];
          if (!node) break;
          push({
            type: 'flow.step_reached',
            subjectType: 'flow',
            subjectId: flow.id,
            data: { stepId: nodeId, stepIndex: i },
          });
          if (node.type === 'end') {
            push({
              type: 'flow.completed',
              subjectType: 'flow',
              subjectId: flow.id,
              data: { stepId: nodeId },
            });
            survey = rnd.chance(0.3) ? 'flow' : null;
            break;
          }
          if (node.type === 'escalate') {
            push({
              type: 'flow.escalated',
              subjectType: 'flow',
              subjectId: flow.id,
              data: { stepId: nodeId },
            });
            escalate = true;
            break;
          }
          const next = edges(node);
          if (!next.length || rnd.chance(0.1)) break; // left midway
          nodeId = rnd.pick(next).to;
        }
      } else {
        const answer = rnd.pick(answers[locale]);
        const articleId = options.articleId(answer.key, locale);
        const query = rnd.pick(answer.queries);
        if (channel === 'bot') {
          push({ type: 'conversation.started', subjectType: 'conversation', subjectId: sessionId });
          push({
            type: 'bot.answered',
            data: { query, articleId: articleId ?? null, confidence: 0.55 + rnd.next() * 0.4 },
          });
        } else {
          push({
            type: 'search.performed',
            data: {
              query,
              resultCount: 1 + Math.floor(rnd.next() * 5),
              confidence: 0.5 + rnd.next() * 0.45,
              abstained: false,
            },
          });
        }
        if (articleId && channel !== 'bot' && rnd.chance(0.8)) {
          push({
            type: 'search.result_clicked',
            subjectType: 'article',
            subjectId: articleId,
            data: { rank: 1 },
          });
          push({
            type: 'article.viewed',
            subjectType: 'article',
            subjectId: articleId,
            data: { page: `/${locale}/articles/${answer.slug}` },
          });
          if (rnd.chance(0.3)) {
            const helpful = rnd.chance(0.78);
            push({ type: 'feedback.given', subjectType: 'article', subjectId: articleId, data: { helpful } });
            escalate = !helpful && rnd.chance(0.5);
          }
          survey = rnd.chance(0.08) ? 'article' : null;
        }
        escalate ||= rnd.chance(0.06);
      }
      if (escalate) {
        const page = `/${locale}/contact`;
        const via = rnd.pick(['form', 'form', 'form', 'live', 'callback'] as const);
        push({
          type: 'escalation.created',
          data: {
            via,
            source: channel === 'bot' ? 'bot' : channel === 'widget' ? 'widget' : 'helpcentre',
            page,
          },
        });
        if (rnd.chance(0.4)) survey = 'contact';
      }
      if (survey) {
        // CSAT after a conversation with an advisor, effort score after self-service.
        const csat = survey === 'contact';
        const score = csat ? rnd.pick([5, 5, 5, 4, 4, 4, 3, 2, 1]) : rnd.pick([7, 7, 6, 6, 6, 5, 5, 4, 3, 2]);
        push({ type: 'survey.answered', data: { kind: csat ? 'csat' : 'ces', score, context: survey } });
      }
    }
  }
  return out;
}

/** Generates the history and stores it (one transaction). */
export async function loadDemoHistory(db: Db, options: Options) {
  return recordDemoHistory(db, await buildDemoHistory(db, options));
}
