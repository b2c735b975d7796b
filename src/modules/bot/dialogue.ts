/**
 * The dialogue manager: given what the bot knows (state), what the customer did (intent or choice) and
 * what the knowledge base offers (evidence), decide what to say next. Pure: no I/O, no clock; the
 * conversation service runs the searches, stores the outcome and performs the effects.
 */
import type { MatchResult } from '../../engine/types.ts';
import type { AnswerCard } from '../search/plugin.ts';
import type { Generated } from './generative.ts';
import type { Intent } from './intents.ts';
import { say, type Voice } from './messages.ts';

/** Two candidates closer than this in calibrated confidence are ambiguous: ask which one is meant. */
export const CLARIFY_MARGIN = 0.12;
/** A runner-up below this is not worth offering as a choice, however close the top one is. */
export const CLARIFY_FLOOR = 0.25;
/** Misses in a row (abstentions, "no", "none of these") before the escalation offer is pressed. */
export const MISSES_BEFORE_ESCALATION = 2;

export interface QuickReply {
  /** `answer:<id>`, `solved:yes|no`, `escalate`, `rephrase`, `continue`, `flow:<flowId>`, `option:<value>`. */
  id: string;
  label: string;
}

export interface BotReply {
  text: string;
  /** The answer shown, with its help-centre link. */
  answer?: { id: string; title: string; url: string };
  /** Generated answers: the passages cited as [n]. */
  citations?: Array<{ n: number; id: string; title: string; url: string }>;
  quickReplies: QuickReply[];
}

export interface DialogueState {
  /** Consecutive failures: abstentions, "no", "none of these". Reset by a solved answer. */
  misses: number;
  /** Answer ids already proposed in this conversation: proposing one twice is a loop. */
  proposed: string[];
  /** Quick replies on offer; a choice must be one of them. */
  pending: QuickReply[];
  /** Cards behind `answer:<id>` quick replies of a clarification. */
  offered: AnswerCard[];
  /** The answer a "did this solve it?" refers to. */
  awaitingFeedback: string | null;
  escalationOffered: boolean;
}

export const initialState = (): DialogueState => ({
  misses: 0,
  proposed: [],
  pending: [],
  offered: [],
  awaitingFeedback: null,
  escalationOffered: false,
});

/** What the knowledge base said about a question. */
export interface Evidence {
  match: MatchResult;
  /** Cards of the candidates (those that still exist), any order. */
  cards: AnswerCard[];
  /** Guided flow offered by an answer, by answer id. */
  flowsByAnswer?: Record<string, string>;
  /** Generated answer (LLM on): text with [n] citations, or a refusal. */
  generated?: Generated | undefined;
}

export type Decision =
  | {
      type: 'answered';
      answerId: string;
      confidence: number;
      candidates: Array<{ id: string; confidence: number }>;
    }
  | { type: 'generated'; cited: string[]; candidates: Array<{ id: string; confidence: number }> }
  | { type: 'clarified'; options: string[]; candidates: Array<{ id: string; confidence: number }> }
  | {
      type: 'abstained';
      confidence: number;
      reason: string;
      candidates: Array<{ id: string; confidence: number }>;
    }
  | {
      type: 'escalation_offered';
      reason: 'misses' | 'explicit' | 'loop' | 'not_solved' | 'frustration' | 'insult';
    }
  | { type: 'greeted' }
  | { type: 'thanked' }
  | { type: 'feedback'; answerId: string | null; solved: boolean }
  | { type: 'rephrase' }
  | { type: 'prompted' };

export type Effect = { type: 'escalate' } | { type: 'start_flow'; flowId: string } | { type: 'resolved' };

export interface Outcome {
  replies: BotReply[];
  state: DialogueState;
  decisions: Decision[];
  effects: Effect[];
}

const escalateReply = (v: Voice): QuickReply => ({ id: 'escalate', label: say(v, 'escalate') });
const rephraseReply = (v: Voice): QuickReply => ({ id: 'rephrase', label: say(v, 'escalateRephrase') });

function outcome(
  state: DialogueState,
  replies: BotReply[],
  decisions: Decision[],
  effects: Effect[] = [],
): Outcome {
  const last = replies.at(-1);
  return { replies, decisions, effects, state: { ...state, pending: last?.quickReplies ?? [] } };
}

function summary(match: MatchResult) {
  return match.candidates.slice(0, 5).map((c) => ({ id: c.id, confidence: round(c.confidence) }));
}
const round = (x: number) => Math.round(x * 1000) / 1000;

/** The offer to hand over to a human: it always comes with a one-click way to accept. */
function offerEscalation(
  v: Voice,
  state: DialogueState,
  reason: Extract<Decision, { type: 'escalation_offered' }>['reason'],
  text: string,
  extra: Decision[] = [],
): Outcome {
  const quickReplies =
    reason === 'explicit'
      ? [escalateReply(v), { id: 'continue', label: say(v, 'keepGoing') }]
      : [escalateReply(v), rephraseReply(v)];
  return outcome(
    { ...state, escalationOffered: true, awaitingFeedback: null, offered: [] },
    [{ text, quickReplies }],
    [...extra, { type: 'escalation_offered', reason }],
  );
}

/** A miss: say so plainly; the second one in a row presses the escalation offer. */
function miss(v: Voice, state: DialogueState, decision: Decision, frustrated = false): Outcome {
  const misses = state.misses + 1;
  const next = { ...state, misses };
  if (misses >= MISSES_BEFORE_ESCALATION || frustrated) {
    return offerEscalation(v, next, frustrated ? 'frustration' : 'misses', say(v, 'stillStuck'), [decision]);
  }
  return outcome(
    { ...next, awaitingFeedback: null, offered: [] },
    [{ text: say(v, 'abstain'), quickReplies: [rephraseReply(v), escalateReply(v)] }],
    [decision],
  );
}

/** Shows one answer (short answer + link), then asks whether it solved the problem. */
function giveAnswer(
  v: Voice,
  state: DialogueState,
  card: AnswerCard,
  decision: Decision,
  opts: { flowId?: string | undefined; frustrated?: boolean } = {},
): Outcome {
  if (state.proposed.includes(card.id)) {
    return offerEscalation(v, state, 'loop', `${say(v, 'loop')} ${say(v, 'stillStuck')}`, [decision]);
  }
  const quickReplies: QuickReply[] = [
    { id: 'solved:yes', label: say(v, 'yes') },
    { id: 'solved:no', label: say(v, 'no') },
  ];
  if (opts.flowId) quickReplies.unshift({ id: `flow:${opts.flowId}`, label: say(v, 'startFlow') });
  if (opts.frustrated) quickReplies.push(escalateReply(v));
  const replies: BotReply[] = [
    {
      text: card.shortAnswer,
      answer: { id: card.id, title: card.title, url: card.url },
      quickReplies: [],
    },
    {
      text: opts.frustrated ? `${say(v, 'frustrated')} ${say(v, 'askSolved')}` : say(v, 'askSolved'),
      quickReplies,
    },
  ];
  return outcome(
    { ...state, proposed: [...state.proposed, card.id], awaitingFeedback: card.id, offered: [] },
    replies,
    [decision],
  );
}

/** A question: answer, clarify between close answers, or abstain. */
export function respondToQuestion(
  v: Voice,
  state: DialogueState,
  intent: Intent,
  evidence: Evidence,
): Outcome {
  const { match } = evidence;
  const candidates = summary(match);
  const byId = new Map(evidence.cards.map((c) => [c.id, c]));
  const ranked = match.candidates.flatMap((c) => {
    const card = byId.get(c.id);
    return card ? [{ card, confidence: c.confidence }] : [];
  });

  if (evidence.generated) {
    const g = evidence.generated;
    if (!g.ok) {
      return miss(
        v,
        state,
        { type: 'abstained', confidence: round(match.confidence), reason: g.reason, candidates },
        intent.frustrated,
      );
    }
    const citations = g.cited.map(({ n, card }) => ({ n, id: card.id, title: card.title, url: card.url }));
    return outcome(
      { ...state, awaitingFeedback: g.cited[0]?.card.id ?? null, offered: [] },
      [
        { text: g.text, citations, quickReplies: [] },
        {
          text: say(v, 'askSolved'),
          quickReplies: [
            { id: 'solved:yes', label: say(v, 'yes') },
            { id: 'solved:no', label: say(v, 'no') },
            ...(intent.frustrated ? [escalateReply(v)] : []),
          ],
        },
      ],
      [{ type: 'generated', cited: g.cited.map((c) => c.card.id), candidates }],
    );
  }

  const top = ranked[0];
  if (match.abstain || !top) {
    const reason = top ? 'low_confidence' : 'no_candidate';
    return miss(
      v,
      state,
      { type: 'abstained', confidence: round(match.confidence), reason, candidates },
      intent.frustrated,
    );
  }

  const close = ranked
    .slice(1)
    .filter((r) => top.confidence - r.confidence < CLARIFY_MARGIN && r.confidence >= CLARIFY_FLOOR)
    .slice(0, 2);
  if (close.length > 0) {
    const options = [top, ...close].map((r) => r.card);
    return outcome(
      { ...state, offered: options, awaitingFeedback: null },
      [
        {
          text: say(v, 'clarify'),
          quickReplies: [
            ...options.map((c) => ({ id: `answer:${c.id}`, label: c.title })),
            { id: 'none', label: say(v, 'noneOfThese') },
          ],
        },
      ],
      [{ type: 'clarified', options: options.map((c) => c.id), candidates }],
    );
  }

  return giveAnswer(
    v,
    state,
    top.card,
    { type: 'answered', answerId: top.card.id, confidence: round(top.confidence), candidates },
    { flowId: evidence.flowsByAnswer?.[top.card.id], frustrated: intent.frustrated },
  );
}

/** Everything that is not a question: greetings, thanks, yes/no, requests for a human, insults. */
export function respondToSocial(v: Voice, state: DialogueState, intent: Intent): Outcome {
  switch (intent.kind) {
    case 'greeting':
      return outcome({ ...state }, [{ text: say(v, 'greeting'), quickReplies: [] }], [{ type: 'greeted' }]);
    case 'thanks':
      // Thanks right after an answer is the customer's "yes, solved".
      if (state.awaitingFeedback) return respondToFeedback(v, state, true);
      return outcome({ ...state }, [{ text: say(v, 'thanks'), quickReplies: [] }], [{ type: 'thanked' }]);
    case 'yes':
      if (state.awaitingFeedback) return respondToFeedback(v, state, true);
      if (state.escalationOffered) return respondToChoice(v, state, 'escalate');
      return outcome(
        { ...state },
        [{ text: say(v, 'emptyPrompt'), quickReplies: [] }],
        [{ type: 'prompted' }],
      );
    case 'no':
      if (state.awaitingFeedback || intent.frustrated) return respondToFeedback(v, state, false);
      return outcome(
        { ...state },
        [{ text: say(v, 'emptyPrompt'), quickReplies: [] }],
        [{ type: 'prompted' }],
      );
    case 'human':
      return offerEscalation(v, state, 'explicit', say(v, 'humanOffer'));
    case 'insult':
      return offerEscalation(v, state, 'insult', say(v, 'insult'));
    default:
      return outcome(
        { ...state },
        [{ text: say(v, 'emptyPrompt'), quickReplies: [] }],
        [{ type: 'prompted' }],
      );
  }
}

/** "Did this solve it?" */
export function respondToFeedback(v: Voice, state: DialogueState, solved: boolean): Outcome {
  const decision: Decision = { type: 'feedback', answerId: state.awaitingFeedback, solved };
  if (solved) {
    return outcome(
      { ...state, misses: 0, awaitingFeedback: null, escalationOffered: false },
      [{ text: say(v, 'solved'), quickReplies: [] }],
      [decision],
      [{ type: 'resolved' }],
    );
  }
  return offerEscalation(v, { ...state, misses: state.misses + 1 }, 'not_solved', say(v, 'notSolved'), [
    decision,
  ]);
}

/**
 * A quick reply. The caller checked it is one of `state.pending`; `option:` replies belong to flows
 * and never reach here.
 */
export function respondToChoice(
  v: Voice,
  state: DialogueState,
  choice: string,
  evidence?: Evidence,
): Outcome {
  if (choice === 'solved:yes' || choice === 'solved:no')
    return respondToFeedback(v, state, choice === 'solved:yes');
  if (choice === 'escalate') return outcome({ ...state, pending: [] }, [], [], [{ type: 'escalate' }]);
  if (choice === 'rephrase') {
    return outcome(
      { ...state, awaitingFeedback: null },
      [{ text: say(v, 'rephrase'), quickReplies: [] }],
      [{ type: 'rephrase' }],
    );
  }
  if (choice === 'continue') {
    return outcome(
      { ...state, escalationOffered: false },
      [{ text: say(v, 'rephrase'), quickReplies: [] }],
      [{ type: 'rephrase' }],
    );
  }
  if (choice === 'none') {
    return miss(v, state, { type: 'abstained', confidence: 0, reason: 'none_of_these', candidates: [] });
  }
  if (choice.startsWith('flow:')) {
    return outcome(
      { ...state, awaitingFeedback: null },
      [],
      [],
      [{ type: 'start_flow', flowId: choice.slice(5) }],
    );
  }
  if (choice.startsWith('answer:')) {
    const id = choice.slice(7);
    const card = state.offered.find((c) => c.id === id);
    if (card) {
      return giveAnswer(
        v,
        state,
        card,
        { type: 'answered', answerId: id, confidence: 1, candidates: [] },
        { flowId: evidence?.flowsByAnswer?.[id] },
      );
    }
  }
  return outcome({ ...state }, [{ text: say(v, 'emptyPrompt'), quickReplies: [] }], [{ type: 'prompted' }]);
}
