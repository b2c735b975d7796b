/**
 * Conversations: each turn loads the state, asks the dialogue manager (or the running flow) what to
 * say, then stores the customer's message, the bot's decision with its candidates, the replies and the
 * flow steps in one transaction, with the analytics events.
 */
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { newSecret, safeEqual, sha256 } from '../../crypto/secrets.ts';
import type { Db, DbOrTx, Tx } from '../../db/client.ts';
import { detectLocale } from '../../engine/index.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import type { EscalationChannel, EscalationRequest, TranscriptEntry } from '../escalation/contract.ts';
import { type EscalationResult, escalate } from '../escalation/service.ts';
import { type Channel, recordEvent } from '../events/service.ts';
import { journeyIdOf } from '../journey/service.ts';
import type { SearchSource } from '../search/plugin.ts';
import type { SearchIndex } from '../search/search-index.ts';
import { findAnswers } from '../search/service.ts';
import { assistantOf } from '../settings/service.ts';
import { incidentFirst } from '../status/service.ts';
import {
  type BotReply,
  type Decision,
  type DialogueState,
  type Effect,
  type Evidence,
  initialState,
  type Outcome,
  respondToChoice,
  respondToFeedback,
  respondToQuestion,
  respondToSocial,
} from './dialogue.ts';
import { recordFlowJourney } from './flow-journey.ts';
import { answerFlow, type FlowOutcome, type FlowRun, startFlow } from './flow-runner.ts';
import { loadRunnableFlow, makeFlowIO } from './flow-service.ts';
import type { Generator } from './generative.ts';
import { understand } from './intents.ts';
import { botLocale, say, type Voice } from './messages.ts';
import * as repo from './repository.ts';
import { DEFAULT_BOT_SETTINGS, readBotSettings } from './settings.ts';

export interface BotDeps {
  db: Db;
  search: SearchIndex;
  source: SearchSource;
  log: FastifyBaseLogger;
  /** External base URL, for the customer's secure ticket link. */
  publicUrl: string;
  /** Present when an LLM is configured (RELAIS_LLM_URL): answers are generated from the passages. */
  generator?: Generator | undefined;
}

/** What the bot's service needs from the app: the database, the matching engine and its answers. */
export function botDeps(app: FastifyInstance): BotDeps {
  return {
    db: app.db,
    search: app.searchIndex,
    source: app.searchSource,
    log: app.log,
    publicUrl: app.config.publicUrl,
    generator: app.botGenerator,
  };
}

/** What is kept between turns. */
interface StoredState {
  dialogue: DialogueState;
  flow: FlowRun | null;
}

export interface ConversationInput {
  locale?: string | undefined;
  channel: Channel;
  visitorId?: string | undefined;
  segments?: string[] | undefined;
  pageUrl?: string | undefined;
  message?: string | undefined;
  flowId?: string | undefined;
}

const stateOf = (row: repo.ConversationRow): StoredState => {
  const s = row.state as Partial<StoredState>;
  return { dialogue: { ...initialState(), ...(s.dialogue ?? {}) }, flow: s.flow ?? null };
};

/** Customer attributes from segments: `plan=pro` → `{ plan: 'pro' }`. */
export function customerAttributes(segments: string[]): Record<string, string> {
  return Object.fromEntries(
    segments.flatMap((s) => {
      const i = s.indexOf('=');
      return i > 0 ? [[s.slice(0, i), s.slice(i + 1)]] : [];
    }),
  );
}

/**
 * The assistant speaks for the company: its name comes from the branding (per locale), else the bot's
 * settings, else the help centre's name — never the vendor's.
 */
async function voiceOf(db: DbOrTx, locale: string): Promise<Voice> {
  const settings = await readBotSettings(db);
  // The branding's assistant name for this locale first, then a name set in the bot's settings.
  const assistant = await assistantOf(db, locale);
  const botName =
    assistant.name ??
    (settings.botName === DEFAULT_BOT_SETTINGS.botName ? assistant.brandName : settings.botName);
  return { locale: botLocale(locale), tone: settings.tone, botName };
}

/** The conversation, if the token is its own. Unknown id and wrong token look the same: not found. */
export async function findWithToken(db: DbOrTx, id: string, token: string | undefined) {
  const row = await repo.findConversation(db, id);
  if (!row || !token || !safeEqual(sha256(token), row.tokenHash)) throw new NotFoundError('Conversation');
  return row;
}

export async function findForStaff(db: DbOrTx, id: string) {
  const row = await repo.findConversation(db, id);
  if (!row) throw new NotFoundError('Conversation');
  return row;
}

/** A handed-over conversation takes no more turns, on every surface. */
export function assertOpen(row: repo.ConversationRow): repo.ConversationRow {
  if (row.status === 'escalated') {
    throw new AppError('conversation-closed', 409, 'This conversation was handed over to an advisor.');
  }
  return row;
}

/** A turn's result as the surfaces show it. */
export interface TurnResult {
  conversation: repo.ConversationRow;
  messages: repo.ConversationEventRow[];
  escalationId?: string;
  /** A `live` hand-over opened a queued chat: its id and resume token (returned, never stored here). */
  chat?: { id: string; token: string };
}

export async function createConversation(
  deps: BotDeps,
  input: ConversationInput,
): Promise<TurnResult & { token: string }> {
  const token = newSecret();
  const locale = input.locale ?? (input.message ? detectLocale(input.message, ['fr', 'en']) : 'fr');
  const row = await deps.db.transaction(async (tx) => {
    const conversation = await repo.insertConversation(tx, {
      tokenHash: sha256(token),
      locale,
      channel: input.channel,
      visitorId: input.visitorId ?? null,
      segments: input.segments ?? [],
      pageUrl: input.pageUrl ?? null,
      state: { dialogue: initialState(), flow: null },
    });
    await recordEvent(tx, {
      type: 'conversation.started',
      channel: 'bot',
      visitorId: input.visitorId,
      sessionId: conversation.id,
      locale,
      subjectType: 'conversation',
      subjectId: conversation.id,
      data: { surface: input.channel, withFlow: Boolean(input.flowId) },
    });
    return conversation;
  });
  const v = await voiceOf(deps.db, locale);
  const greeting = await applyTurn(deps, row, {
    outcome: {
      replies: [{ text: say(v, 'greeting'), quickReplies: [] }],
      state: initialState(),
      decisions: [{ type: 'greeted' }],
      effects: input.flowId ? [{ type: 'start_flow', flowId: input.flowId }] : [],
    },
  });
  if (input.message && !input.flowId) {
    const turn = await postMessage(deps, greeting.conversation, input.message);
    return { ...turn, messages: [...greeting.messages, ...turn.messages], token };
  }
  return { ...greeting, token };
}

/** The customer typed something. */
export async function postMessage(
  deps: BotDeps,
  row: repo.ConversationRow,
  text: string,
): Promise<TurnResult> {
  const v = await voiceOf(deps.db, row.locale);
  const { dialogue, flow } = stateOf(row);
  const intent = understand(text, v.locale);
  const customer = { author: 'customer' as const, text };

  // In a flow, the message answers the current question — unless the customer asks for a way out.
  if (flow && intent.kind !== 'human' && intent.kind !== 'insult') {
    const runnable = await loadRunnableFlow(deps.db, flow.flowId, flow.version);
    if (runnable) {
      const io = await makeFlowIO(deps, row);
      const result = await answerFlow(v, runnable.definition, flow, { text }, io);
      return applyTurn(deps, row, { customer, flowResult: result, dialogue });
    }
  }
  const base = flow ? { ...dialogue } : dialogue;
  if (intent.kind !== 'question') {
    return applyTurn(deps, row, {
      customer,
      outcome: respondToSocial(v, base, intent),
      endFlow: Boolean(flow),
    });
  }
  const evidence = await gatherEvidence(deps, row, intent.query);
  const answered = respondToQuestion(v, base, intent, evidence);
  // Status page (issue 19): a question about a degraded component hears about the open incident first.
  const notice = await incidentFirst(deps.db, intent.query, row.locale, {
    channel: 'bot',
    visitorId: row.visitorId,
    sessionId: row.id,
  });
  const outcome = notice
    ? {
        ...answered,
        replies: [
          { text: `${notice.message} ${absoluteUrl(deps.publicUrl, notice.path)}`, quickReplies: [] },
          ...answered.replies,
        ],
      }
    : answered;
  return applyTurn(deps, row, { customer, outcome, query: intent.query, evidence, endFlow: Boolean(flow) });
}

/** A quick reply was chosen; it must be one of those on offer. */
export async function chooseReply(
  deps: BotDeps,
  row: repo.ConversationRow,
  choice: string,
): Promise<TurnResult> {
  const v = await voiceOf(deps.db, row.locale);
  const { dialogue, flow } = stateOf(row);
  const offered = dialogue.pending.find((q) => q.id === choice);
  if (!offered) throw new ValidationError(`'${choice}' is not one of the choices on offer.`, 'choice');
  const customer = { author: 'customer' as const, text: offered.label, data: { choice } };

  if (choice.startsWith('option:') && flow) {
    const runnable = await loadRunnableFlow(deps.db, flow.flowId, flow.version);
    if (runnable) {
      const io = await makeFlowIO(deps, row);
      const result = await answerFlow(v, runnable.definition, flow, { choice }, io);
      return applyTurn(deps, row, { customer, flowResult: result, dialogue });
    }
  }
  let evidence: Evidence | undefined;
  if (choice.startsWith('answer:')) {
    const flows = await repo.publishedFlowsForArticles(deps.db, [choice.slice(7)]);
    evidence = {
      match: { locale: row.locale, candidates: [], confidence: 0, abstain: true, terms: [] },
      cards: [],
      flowsByAnswer: Object.fromEntries(flows.map((f) => [f.articleId, f.flowId])),
    };
  }
  return applyTurn(deps, row, { customer, outcome: respondToChoice(v, dialogue, choice, evidence) });
}

/** "Did this solve it?", answered with the dedicated buttons or API call. */
export async function giveFeedback(
  deps: BotDeps,
  row: repo.ConversationRow,
  solved: boolean,
): Promise<TurnResult> {
  const v = await voiceOf(deps.db, row.locale);
  const { dialogue } = stateOf(row);
  return applyTurn(deps, row, { outcome: respondToFeedback(v, dialogue, solved) });
}

/** Starts a published flow in the conversation (button, widget, or an answer's "guide me"). */
export async function startFlowIn(
  deps: BotDeps,
  row: repo.ConversationRow,
  flowId: string,
): Promise<TurnResult> {
  const { dialogue } = stateOf(row);
  return applyTurn(deps, row, {
    outcome: { replies: [], state: dialogue, decisions: [], effects: [{ type: 'start_flow', flowId }] },
  });
}

/** The customer asks for a human from the surface's contact button: hand over right away. */
export async function escalateConversation(
  deps: BotDeps,
  row: repo.ConversationRow,
  input: {
    channel?: EscalationChannel | undefined;
    customer?: EscalationRequest['context']['customer'];
    description?: string | undefined;
  },
): Promise<TurnResult> {
  const { dialogue } = stateOf(row);
  return applyTurn(deps, row, {
    outcome: { replies: [], state: dialogue, decisions: [], effects: [{ type: 'escalate' }] },
    escalation: input,
  });
}

async function gatherEvidence(deps: BotDeps, row: repo.ConversationRow, query: string): Promise<Evidence> {
  const { match, cards } = await findAnswers({ index: deps.search, source: deps.source }, query, {
    locale: row.locale,
    audience: 'public',
    segments: row.segments,
    limit: 5,
  });
  const flows = await repo.publishedFlowsForArticles(
    deps.db,
    match.candidates.map((c) => c.id),
  );
  const evidence: Evidence = {
    match,
    cards,
    flowsByAnswer: Object.fromEntries(flows.map((f) => [f.articleId, f.flowId])),
  };
  if (deps.generator) {
    const generated = await deps.generator.answer(query, match, {
      locale: row.locale,
      segments: row.segments,
      cards,
    });
    if (generated) evidence.generated = generated;
  }
  return evidence;
}

interface Turn {
  customer?: { author: 'customer'; text: string; data?: Record<string, unknown> };
  outcome?: Outcome;
  flowResult?: FlowOutcome;
  /** Dialogue state to keep when the turn is a flow step. */
  dialogue?: DialogueState;
  query?: string;
  evidence?: Evidence;
  /** A free question left the running flow. */
  endFlow?: boolean;
  escalation?: Parameters<typeof escalateConversation>[2];
}

/** Decisions that come from a search: they carry the query, and become the escalation's `searches`. */
const SEARCH_DECISIONS = new Set<Decision['type']>(['answered', 'generated', 'clarified', 'abstained']);

const EVENT_OF_DECISION: Partial<Record<Decision['type'], string>> = {
  answered: 'bot.answered',
  generated: 'bot.answered',
  clarified: 'bot.clarified',
  abstained: 'bot.abstained',
  escalation_offered: 'bot.escalation_offered',
  feedback: 'feedback.given',
};

/**
 * Applies one turn: performs its effects (flow start, escalation), then stores everything in one
 * transaction. Effects run before the write so their replies land in the same turn.
 */
async function applyTurn(deps: BotDeps, row: repo.ConversationRow, turn: Turn): Promise<TurnResult> {
  const v = await voiceOf(deps.db, row.locale);
  const stored = stateOf(row);
  let dialogue = turn.outcome?.state ?? turn.dialogue ?? stored.dialogue;
  let flow: FlowRun | null = turn.endFlow ? null : stored.flow;
  let status = row.status;
  const replies: BotReply[] = [...(turn.outcome?.replies ?? [])];
  const decisions: Decision[] = [...(turn.outcome?.decisions ?? [])];
  const effects: Effect[] = [...(turn.outcome?.effects ?? [])];
  const flowSteps: Array<{ flowId: string; version: number; step: FlowOutcome['steps'][number] }> = [];
  const analytics: Array<{
    type: string;
    data: Record<string, unknown>;
    subjectType?: string;
    subjectId?: string;
  }> = [];
  if (turn.endFlow && stored.flow)
    analytics.push({
      type: 'flow.abandoned',
      data: { nodeId: stored.flow.nodeId },
      subjectType: 'flow',
      subjectId: stored.flow.flowId,
    });

  let flowExit: { flowId: string; version: number; type: 'end' | 'escalate' } | undefined;
  const takeFlow = (ref: { flowId: string; version: number }, result: FlowOutcome) => {
    replies.push(...result.replies);
    if (result.exit) flowExit = { ...ref, type: result.exit.type };
    for (const step of result.steps) {
      flowSteps.push({ ...ref, step });
      analytics.push({
        type: 'flow.step_reached',
        data: { stepId: step.nodeId, nodeType: step.type, version: ref.version },
        subjectType: 'flow',
        subjectId: ref.flowId,
      });
      if (step.actionOk === false)
        analytics.push({
          type: 'flow.action_failed',
          data: { nodeId: step.nodeId, reason: step.actionReason },
          subjectType: 'flow',
          subjectId: ref.flowId,
        });
    }
    flow = result.run;
    if (result.exit) {
      // An end step solved the need (an answer delivered); a hand-over is not a completion.
      analytics.push({
        type: result.exit.type === 'escalate' ? 'flow.escalated' : 'flow.completed',
        data: { stepId: result.steps.at(-1)?.nodeId ?? flow?.nodeId ?? '', version: ref.version },
        subjectType: 'flow',
        subjectId: ref.flowId,
      });
      if (result.exit.type === 'escalate') effects.push({ type: 'escalate' });
      else dialogue = { ...dialogue, pending: [] };
    } else {
      dialogue = { ...dialogue, pending: result.replies.at(-1)?.quickReplies ?? [] };
    }
  };

  if (turn.flowResult && stored.flow) takeFlow(stored.flow, turn.flowResult);

  let escalationId: string | undefined;
  let liveChat: { id: string; token: string } | undefined;
  for (let i = 0; i < effects.length; i++) {
    const effect = effects[i]!;
    if (effect.type === 'start_flow') {
      const runnable = await loadRunnableFlow(deps.db, effect.flowId);
      if (!runnable) throw new NotFoundError('Flow');
      const io = await makeFlowIO(deps, row);
      const result = await startFlow(v, runnable.flowId, runnable.version, runnable.definition, io);
      analytics.push({
        type: 'flow.started',
        data: { version: runnable.version },
        subjectType: 'flow',
        subjectId: runnable.flowId,
      });
      takeFlow({ flowId: runnable.flowId, version: runnable.version }, result);
    } else if (effect.type === 'resolved') {
      status = 'resolved';
    }
  }

  let updatedAt = row.updatedAt;
  const events = await deps.db.transaction(async (tx) => {
    // The turn was computed from `row`: if another turn was stored since (two messages sent at once,
    // two tabs), storing this one would overwrite its state. The lock orders concurrent turns.
    const current = await repo.lockConversation(tx, row.id);
    if (!current || current.updatedAt.getTime() !== row.updatedAt.getTime()) {
      throw new ConflictError('The conversation moved on while this message was answered: send it again.');
    }
    const rows: repo.NewConversationEvent[] = [];
    const conversationId = row.id;
    if (turn.customer)
      rows.push({
        conversationId,
        kind: 'message',
        author: 'customer',
        text: turn.customer.text,
        data: turn.customer.data ?? {},
      });
    for (const d of decisions) {
      rows.push({
        conversationId,
        kind: d.type === 'feedback' ? 'feedback' : 'decision',
        author: 'bot',
        text: null,
        data: { ...d, ...(turn.query && SEARCH_DECISIONS.has(d.type) ? { query: turn.query } : {}) },
      });
    }
    for (const s of flowSteps) {
      rows.push({
        conversationId,
        kind: 'flow_step',
        author: 'system',
        text: null,
        data: { flowId: s.flowId, version: s.version, ...s.step },
      });
    }
    for (const r of replies)
      rows.push({
        conversationId,
        kind: 'message',
        author: 'bot',
        text: r.text,
        data: replyData(r, deps.publicUrl),
      });
    // The customer's journey gets the flow by name, with labelled steps, before any hand-over reads it.
    await recordFlowJourney(tx, journeyOf(row), {
      answered: turn.flowResult && stored.flow ? { run: stored.flow, text: turn.customer?.text } : undefined,
      steps: flowSteps,
      exit: flowExit,
    });

    if (effects.some((e) => e.type === 'escalate')) {
      const request = await buildEscalationRequest(tx, row, v, [...rows], turn.escalation);
      const escalation = await handOver(tx, row.id, request, deps.publicUrl);
      escalationId = escalation.id;
      liveChat = escalation.ticket.chat;
      status = 'escalated';
      ({ dialogue, flow } = handedOver(dialogue));
      rows.push({
        conversationId,
        kind: 'escalation',
        author: 'system',
        text: null,
        data: { escalationId, channel: request.channel },
      });
      rows.push({
        conversationId,
        kind: 'message',
        author: 'bot',
        text: say(v, liveChat ? 'escalatedLive' : 'escalated', { ref: escalation.reference }),
        data: {},
      });
      analytics.push({
        type: 'bot.escalated',
        data: { channel: request.channel, flow: request.context.flowPath?.length ?? 0 },
        subjectType: 'escalation',
        subjectId: escalationId,
      });
    }

    const inserted = await repo.insertEvents(tx, rows);
    const updated = await repo.updateConversation(tx, row.id, {
      state: { dialogue, flow } as unknown as Record<string, unknown>,
      status,
    });
    if (updated) updatedAt = updated.updatedAt;
    for (const d of decisions) {
      const type = EVENT_OF_DECISION[d.type];
      if (type)
        analytics.push({
          type,
          data: decisionAnalytics(d, SEARCH_DECISIONS.has(d.type) ? turn.query : undefined),
          subjectType: 'conversation',
          subjectId: row.id,
        });
    }
    for (const a of analytics) {
      await recordEvent(tx, {
        type: a.type,
        channel: 'bot',
        visitorId: row.visitorId,
        sessionId: row.id,
        locale: row.locale,
        subjectType: a.subjectType,
        subjectId: a.subjectId,
        data: a.data,
      });
    }
    return inserted;
  });
  const conversation = {
    ...row,
    status,
    updatedAt,
    state: { dialogue, flow } as unknown as Record<string, unknown>,
  };
  return {
    conversation,
    messages: events.filter((e) => e.kind === 'message' && e.author === 'bot'),
    ...(escalationId ? { escalationId } : {}),
    ...(liveChat ? { chat: liveChat } : {}),
  };
}

/** A help-centre path made absolute, so a link works on any page the bot is embedded in (widget). */
export const absoluteUrl = (publicUrl: string, url: string) =>
  url.startsWith('/') && !url.startsWith('//') ? `${publicUrl.replace(/\/$/, '')}${url}` : url;

function replyData(r: BotReply, publicUrl: string): Record<string, unknown> {
  return {
    quickReplies: r.quickReplies,
    ...(r.answer ? { answer: { ...r.answer, url: absoluteUrl(publicUrl, r.answer.url) } } : {}),
    ...(r.citations
      ? { citations: r.citations.map((c) => ({ ...c, url: absoluteUrl(publicUrl, c.url) })) }
      : {}),
  };
}

function decisionAnalytics(d: Decision, query: string | undefined): Record<string, unknown> {
  const { type: _type, ...rest } = d;
  // Query text helps content-gap analysis; recordEvent masks personal data in it.
  return { ...rest, ...(query ? { query } : {}) };
}

/** A conversation message as an escalation's transcript shows it, with the answer the bot proposed. */
function transcriptEntry(e: {
  at: Date;
  author?: string | null | undefined;
  text: string;
  data: unknown;
}): TranscriptEntry {
  const answer = (e.data as { answer?: { id: string } }).answer;
  return {
    at: e.at.toISOString(),
    from: e.author === 'customer' ? 'customer' : e.author === 'system' ? 'system' : 'bot',
    text: e.text,
    ...(answer ? { answers: [{ id: answer.id, confidence: 1 }] } : {}),
  };
}

/**
 * The conversation's messages for an escalation built by another surface (the widget's contact form):
 * the last 300, each cut to 5,000 characters, as the escalation contract allows.
 */
export async function conversationTranscript(db: DbOrTx, id: string): Promise<TranscriptEntry[]> {
  const events = await repo.listEvents(db, id);
  return events
    .filter((e) => e.kind === 'message' && e.text)
    .slice(-300)
    .map((e) => transcriptEntry({ ...e, text: (e.text ?? '').slice(0, 5000) }));
}

/**
 * The context an agent needs so the customer repeats nothing: transcript with proposed answers,
 * searches, flow path. `pending` holds this turn's rows, not yet written.
 */
async function buildEscalationRequest(
  tx: DbOrTx,
  row: repo.ConversationRow,
  v: Voice,
  pending: repo.NewConversationEvent[],
  input: Turn['escalation'],
): Promise<EscalationRequest> {
  const now = new Date();
  const past = await repo.listEvents(tx, row.id);
  const all = [
    ...past.map((e) => ({ ...e, at: e.at })),
    ...pending.map((e) => ({ ...e, at: now, text: e.text ?? null, data: e.data ?? {} })),
  ];
  const transcript: TranscriptEntry[] = [];
  const searches: NonNullable<EscalationRequest['context']['searches']> = [];
  const flowPath: NonNullable<EscalationRequest['context']['flowPath']> = [];
  for (const e of all) {
    const data = e.data as Record<string, unknown>;
    if (e.kind === 'message' && e.text) {
      transcript.push(transcriptEntry({ ...e, text: e.text }));
    } else if (e.kind === 'decision' && typeof data.query === 'string') {
      const candidates = (data.candidates as Array<{ id: string; confidence: number }> | undefined) ?? [];
      const top = candidates[0];
      searches.push({
        at: e.at.toISOString(),
        query: data.query,
        ...(top ? { topAnswerId: top.id } : {}),
        abstained: data.type === 'abstained',
      });
    } else if (e.kind === 'flow_step') {
      const step = { flowId: String(data.flowId), nodeId: String(data.nodeId) };
      flowPath.push(typeof data.answer === 'string' ? { ...step, answer: data.answer } : step);
    }
  }
  // Answers given inside a flow are recorded on the question's step once known.
  const stored = stateOf(row).flow;
  if (stored) {
    for (const p of flowPath) {
      const a = stored.answers[p.nodeId];
      if (a !== undefined && p.flowId === stored.flowId && p.answer === undefined) p.answer = a;
    }
  }
  const firstQuestion = transcript.find((t) => t.from === 'customer')?.text;
  const subject = (
    firstQuestion ?? (v.locale === 'fr' ? 'Demande depuis le chatbot' : 'Request from the chatbot')
  ).slice(0, 120);
  const description =
    input?.description ??
    transcript
      .filter((t) => t.from === 'customer')
      .map((t) => t.text)
      .join('\n')
      .slice(0, 4000);
  const first = all[0]?.at ?? now;
  return {
    channel: input?.channel ?? 'form',
    subject,
    description: description || subject,
    context: {
      locale: row.locale,
      source: flowPath.length ? 'flow' : 'bot',
      ...(row.pageUrl ? { pageUrl: row.pageUrl } : {}),
      ...(row.visitorId ? { visitorId: row.visitorId } : {}),
      ...(journeyOf(row) ? { journeyId: journeyOf(row) } : {}),
      sessionId: row.id,
      conversationId: row.id,
      transcript,
      searches,
      flowPath,
      selfServiceMs: Math.max(0, now.getTime() - new Date(first).getTime()),
      ...(input?.customer
        ? { customer: input.customer }
        : row.segments.length
          ? { customer: { segments: row.segments } }
          : {}),
    },
  };
}

/**
 * Hands the conversation over to a human through the escalation service: a ticket (or a live handoff)
 * carrying the transcript, flow path and searches, created in the caller's transaction with the
 * conversation's record of it (`bot_escalations`), so the customer is never left with nothing.
 */
async function handOver(tx: Tx, conversationId: string, request: EscalationRequest, publicUrl: string) {
  // escalate() opens its own transaction: inside ours it becomes a savepoint.
  const ticket = await escalate(tx as unknown as Db, request, { publicUrl });
  const row = await repo.insertEscalation(tx, {
    conversationId,
    request: request as unknown as Record<string, unknown>,
    ticketId: ticket.ticketId,
  });
  return { id: row.id, reference: ticket.reference, ticket };
}

/** A widget conversation belongs to the widget visitor's journey; others have none of their own. */
const journeyOf = (row: repo.ConversationRow) =>
  row.channel === 'widget' ? journeyIdOf('widget', row.visitorId) : undefined;

/** A handed-over conversation offers nothing more and leaves its flow. */
const handedOver = (dialogue: DialogueState): StoredState => ({
  dialogue: { ...dialogue, pending: [], escalationOffered: false, awaitingFeedback: null },
  flow: null,
});

/**
 * An escalation another surface built around a conversation (the widget's contact form): the ticket
 * and the conversation's hand-over are written in one transaction, as in the bot's own escalation. A
 * conversation already handed over only gets the new ticket.
 */
export async function escalateWithConversation(
  deps: BotDeps,
  row: repo.ConversationRow,
  request: EscalationRequest,
): Promise<EscalationResult> {
  return deps.db.transaction(async (tx) => {
    const current = (await repo.lockConversation(tx, row.id)) ?? row;
    if (current.status === 'escalated') {
      return escalate(tx as unknown as Db, request, { publicUrl: deps.publicUrl });
    }
    const { ticket } = await handOver(tx, row.id, request, deps.publicUrl);
    await repo.updateConversation(tx, row.id, {
      status: 'escalated',
      state: handedOver(stateOf(current).dialogue) as unknown as Record<string, unknown>,
    });
    return ticket;
  });
}

/** Messages of a conversation as the customer sees them (staff also get decisions and flow steps). */
export async function transcriptOf(db: DbOrTx, id: string) {
  return repo.listEvents(db, id);
}
