import { describe, expect, it } from 'vitest';
import type { MatchResult } from '../../engine/types.ts';
import type { AnswerCard } from '../search/plugin.ts';
import {
  type Evidence,
  initialState,
  respondToChoice,
  respondToFeedback,
  respondToQuestion,
  respondToSocial,
} from './dialogue.ts';
import { understand } from './intents.ts';
import type { Voice } from './messages.ts';

const fr: Voice = { locale: 'fr', tone: 'formal', botName: 'Nova' };
const frTu: Voice = { ...fr, tone: 'informal' };
const en: Voice = { locale: 'en', tone: 'formal', botName: 'Nova' };

const card = (id: string): AnswerCard => ({
  id,
  locale: 'fr',
  title: `Title ${id}`,
  shortAnswer: `Answer ${id}.`,
  url: `/fr/a/${id}`,
});

function evidence(cands: Array<[string, number]>, abstain = false): Evidence {
  const match: MatchResult = {
    locale: 'fr',
    abstain,
    confidence: cands[0]?.[1] ?? 0,
    terms: [],
    candidates: cands.map(([id, confidence], i) => ({
      id,
      confidence,
      score: 10 - i,
      matchedTerms: [],
      highlights: [],
    })),
  };
  return { match, cards: cands.map(([id]) => card(id)) };
}

const question = (text: string, locale = 'fr') => understand(text, locale);

describe('intents', () => {
  it('understands greetings, thanks and requests for a human in French and English, with typos and no accents', () => {
    expect(understand('Bonjour !', 'fr').kind).toBe('greeting');
    expect(understand('hello', 'en').kind).toBe('greeting');
    expect(understand('merci beaucoup', 'fr').kind).toBe('thanks');
    expect(understand('thanks a lot', 'en').kind).toBe('thanks');
    expect(understand('je veux parler a quelqu’un', 'fr').kind).toBe('human');
    expect(understand('Je voudrais parler à un conseiler', 'fr').kind).toBe('human');
    expect(understand('conseiller svp', 'fr').kind).toBe('human');
    expect(understand('human please', 'en').kind).toBe('human');
    expect(understand('can I talk to someone', 'en').kind).toBe('human');
  });

  it('keeps the question when it comes with a greeting, and hears frustration', () => {
    const i = understand('Bonjour, ma box ne marche plus', 'fr');
    expect(i.kind).toBe('question');
    expect(i.query).toBe('ma box ne marche plus');
    expect(understand("j'en ai marre, toujours pas d'internet", 'fr').frustrated).toBe(true);
    expect(understand('this is ridiculous, my bill is wrong', 'en')).toMatchObject({
      kind: 'question',
      frustrated: true,
    });
  });

  it('tells yes from no, and insults from questions', () => {
    expect(understand('oui merci', 'fr').kind).toBe('yes');
    expect(understand('non, toujours pas', 'fr').kind).toBe('no');
    expect(understand('ça marche pas', 'fr').kind).toBe('no');
    expect(understand('nope', 'en').kind).toBe('no');
    expect(understand('bot débile', 'fr').kind).toBe('insult');
    expect(understand('you are stupid', 'en').kind).toBe('insult');
  });
});

describe('dialogue manager', () => {
  it('answers a confident question with the short answer and a link, then asks whether it solved it', () => {
    const out = respondToQuestion(
      fr,
      initialState(),
      question('ma facture'),
      evidence([
        ['bill', 0.9],
        ['sim', 0.2],
      ]),
    );
    expect(out.replies[0]).toMatchObject({ text: 'Answer bill.', answer: { id: 'bill', url: '/fr/a/bill' } });
    expect(out.replies[1]!.text).toBe('Cela a-t-il résolu votre problème ?');
    expect(out.state.pending.map((q) => q.id)).toEqual(['solved:yes', 'solved:no']);
    expect(out.decisions[0]).toMatchObject({ type: 'answered', answerId: 'bill' });
  });

  it('speaks "tu" when the tone is informal, and English in English', () => {
    const ev = evidence([['bill', 0.9]]);
    expect(respondToQuestion(frTu, initialState(), question('ma facture'), ev).replies[1]!.text).toBe(
      'Est-ce que ça a résolu ton problème ?',
    );
    expect(respondToQuestion(en, initialState(), question('my bill', 'en'), ev).replies[1]!.text).toBe(
      'Did this solve your problem?',
    );
  });

  it('asks which one is meant when the top answers are close', () => {
    const out = respondToQuestion(
      fr,
      initialState(),
      question('résilier'),
      evidence([
        ['a', 0.62],
        ['b', 0.58],
        ['c', 0.55],
        ['d', 0.1],
      ]),
    );
    expect(out.decisions[0]).toMatchObject({ type: 'clarified', options: ['a', 'b', 'c'] });
    expect(out.state.pending.map((q) => q.id)).toEqual(['answer:a', 'answer:b', 'answer:c', 'none']);
    const chosen = respondToChoice(fr, out.state, 'answer:b');
    expect(chosen.replies[0]!.answer?.id).toBe('b');
  });

  it('abstains plainly, then presses the escalation offer on the second miss', () => {
    const first = respondToQuestion(
      fr,
      initialState(),
      question('recette de crêpes'),
      evidence([['x', 0.1]], true),
    );
    expect(first.replies[0]!.text).toMatch(/pas trouvé de réponse fiable/);
    expect(first.state.pending.map((q) => q.id)).toEqual(['rephrase', 'escalate']);
    const second = respondToQuestion(fr, first.state, question('horoscope'), evidence([], true));
    expect(second.decisions.map((d) => d.type)).toEqual(['abstained', 'escalation_offered']);
    expect(second.state.pending[0]!.id).toBe('escalate');
  });

  it('offers a human after "no", on explicit request, on insults, and when it would loop', () => {
    const answered = respondToQuestion(fr, initialState(), question('ma facture'), evidence([['bill', 0.9]]));
    expect(respondToFeedback(fr, answered.state, false).decisions.at(-1)).toMatchObject({
      type: 'escalation_offered',
      reason: 'not_solved',
    });
    expect(
      respondToSocial(fr, initialState(), understand('un conseiller svp', 'fr')).decisions[0],
    ).toMatchObject({ reason: 'explicit' });
    expect(respondToSocial(fr, initialState(), understand('t’es nul', 'fr')).decisions[0]).toMatchObject({
      reason: 'insult',
    });
    const again = respondToQuestion(fr, answered.state, question('facture'), evidence([['bill', 0.9]]));
    expect(again.decisions.at(-1)).toMatchObject({ type: 'escalation_offered', reason: 'loop' });
  });

  it('treats thanks after an answer as solved, and the escalate choice as a hand-over', () => {
    const answered = respondToQuestion(en, initialState(), question('bill', 'en'), evidence([['bill', 0.9]]));
    const thanked = respondToSocial(en, answered.state, understand('thanks!', 'en'));
    expect(thanked.effects).toEqual([{ type: 'resolved' }]);
    expect(respondToChoice(en, answered.state, 'escalate').effects).toEqual([{ type: 'escalate' }]);
  });
});
