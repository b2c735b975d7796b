/**
 * Runs a guided flow: from a node, go forward until the customer must answer (a question) or the flow
 * exits (end, escalate). Pure apart from the injected `FlowIO` (HTTP actions, article cards), so it is
 * testable without a server; the conversation service stores the run between messages.
 */
import { fold } from '../../engine/index.ts';
import type { AnswerCard } from '../search/plugin.ts';
import type { BotReply } from './dialogue.ts';
import type { FlowDefinition, FlowNode } from './flow-schema.ts';
import { say, type Voice } from './messages.ts';

type ActionNode = Extract<FlowNode, { type: 'action' }>;
type QuestionNode = Extract<FlowNode, { type: 'question' }>;

export interface FlowRun {
  flowId: string;
  version: number;
  /** The question waiting for the customer's answer. */
  nodeId: string;
  answers: Record<string, string>;
  path: Array<{ nodeId: string; answer?: string }>;
}

export type ActionResult = { ok: true; body: unknown } | { ok: false; reason: string };

export interface FlowIO {
  /** Calls the action's endpoint with the rendered path and body; never throws. */
  callAction(
    node: ActionNode,
    request: { path: string; body?: Record<string, string> },
  ): Promise<ActionResult>;
  card(articleId: string): Promise<AnswerCard | undefined>;
  /** Customer attributes for conditions and templates (`plan=pro` segments become `plan: 'pro'`). */
  customer: Record<string, string>;
}

export interface FlowStep {
  nodeId: string;
  type: FlowNode['type'];
  answer?: string;
  actionOk?: boolean;
  actionReason?: string;
}

export interface FlowOutcome {
  replies: BotReply[];
  /** The run waiting on a question, or null once the flow has exited. */
  run: FlowRun | null;
  steps: FlowStep[];
  exit?: { type: 'end' } | { type: 'escalate'; channel: 'form' | 'callback' | 'live' };
}

/** A run that bounces between conditions and messages this long is broken: leave it through escalation. */
const MAX_STEPS_WITHOUT_INPUT = 50;

export async function startFlow(
  v: Voice,
  flowId: string,
  version: number,
  def: FlowDefinition,
  io: FlowIO,
): Promise<FlowOutcome> {
  const run: FlowRun = { flowId, version, nodeId: def.start, answers: {}, path: [] };
  return advance(v, def, run, def.start, io, []);
}

/** The customer's answer to the current question: a quick reply (`option:<value>`) or typed text. */
export async function answerFlow(
  v: Voice,
  def: FlowDefinition,
  run: FlowRun,
  input: { choice: string } | { text: string },
  io: FlowIO,
): Promise<FlowOutcome> {
  const node = def.nodes[run.nodeId];
  if (node?.type !== 'question') return { replies: [], run: null, steps: [], exit: { type: 'end' } };
  const accepted = acceptAnswer(node, input);
  if (!accepted.ok) {
    const text =
      accepted.reason === 'choice'
        ? say(v, 'flowPickChoice')
        : (node.input?.errorText ?? say(v, 'flowInvalidInput'));
    return { replies: [{ text, quickReplies: choiceReplies(node) }], run, steps: [] };
  }
  const answers = { ...run.answers, [run.nodeId]: accepted.value };
  const path = run.path.map((p, i) => (i === run.path.length - 1 ? { ...p, answer: accepted.value } : p));
  return advance(v, def, { ...run, answers, path }, accepted.next, io, []);
}

function choiceReplies(node: QuestionNode) {
  return (node.choices ?? []).map((c) => ({ id: `option:${c.value}`, label: c.label }));
}

type Accepted = { ok: true; value: string; next: string } | { ok: false; reason: 'choice' | 'input' };

function acceptAnswer(node: QuestionNode, input: { choice: string } | { text: string }): Accepted {
  if (node.choices) {
    const wanted = 'choice' in input ? input.choice.replace(/^option:/, '') : input.text.trim();
    const f = fold(wanted);
    const index = /^\d{1,2}$/.test(wanted) ? Number(wanted) - 1 : -1;
    const choice = node.choices.find(
      (c, i) => c.value === wanted || fold(c.value) === f || fold(c.label) === f || i === index,
    );
    return choice ? { ok: true, value: choice.value, next: choice.next } : { ok: false, reason: 'choice' };
  }
  const spec = node.input!;
  const text = 'text' in input ? input.text.trim() : '';
  return validInput(spec, text) ? { ok: true, value: text, next: spec.next } : { ok: false, reason: 'input' };
}

function validInput(spec: NonNullable<QuestionNode['input']>, text: string): boolean {
  if (!text || text.length > 500) return false;
  switch (spec.kind) {
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(text);
    case 'phone':
      return /^\+?[\d\s.()-]{6,25}$/.test(text) && text.replace(/\D/g, '').length >= 6;
    case 'number': {
      const n = Number(text.replace(',', '.').replace(/\s/g, ''));
      return (
        Number.isFinite(n) &&
        (spec.min === undefined || n >= spec.min) &&
        (spec.max === undefined || n <= spec.max)
      );
    }
    case 'regex':
      // Anchored on the whole answer; input length is capped above to bound editor-written patterns.
      return new RegExp(`^(?:${spec.pattern})$`, 'i').test(text);
    default:
      return true;
  }
}

async function advance(
  v: Voice,
  def: FlowDefinition,
  start: FlowRun,
  from: string,
  io: FlowIO,
  replies: BotReply[],
): Promise<FlowOutcome> {
  let run = start;
  let response: unknown;
  const steps: FlowStep[] = [];
  let nodeId = from;
  for (let n = 0; n < MAX_STEPS_WITHOUT_INPUT; n++) {
    const node = def.nodes[nodeId];
    if (!node) break;
    run = { ...run, nodeId, path: [...run.path, { nodeId }] };
    const step: FlowStep = { nodeId, type: node.type };
    steps.push(step);
    const fill = (t: string) => render(t, { answers: run.answers, customer: io.customer, response });
    switch (node.type) {
      case 'message':
        replies.push({ text: fill(node.text), quickReplies: [] });
        nodeId = node.next;
        break;
      case 'question':
        replies.push({ text: fill(node.text), quickReplies: choiceReplies(node) });
        return { replies, run, steps };
      case 'condition': {
        const branch = node.branches.find((b) => holds(b.when, run.answers, io.customer));
        nodeId = branch ? branch.next : node.otherwise;
        break;
      }
      case 'article': {
        const card = await io.card(node.articleId);
        if (card || node.text) {
          replies.push({
            text: node.text ? fill(node.text) : card!.shortAnswer,
            ...(card ? { answer: { id: card.id, title: card.title, url: card.url } } : {}),
            quickReplies: [],
          });
        }
        nodeId = node.next;
        break;
      }
      case 'action': {
        const body = node.body
          ? Object.fromEntries(Object.entries(node.body).map(([k, t]) => [k, fill(t)]))
          : undefined;
        const path = render(
          node.path,
          { answers: run.answers, customer: io.customer, response },
          encodeURIComponent,
        );
        const result = await io.callAction(node, body ? { path, body } : { path });
        step.actionOk = result.ok;
        if (result.ok) {
          response = result.body;
          if (node.successText) {
            replies.push({
              text: render(node.successText, { answers: run.answers, customer: io.customer, response }),
              quickReplies: [],
            });
          }
          nodeId = node.next;
        } else {
          step.actionReason = result.reason;
          replies.push({
            text: node.failureText ? fill(node.failureText) : say(v, 'flowActionFailed'),
            quickReplies: [],
          });
          nodeId = node.onFailure;
        }
        break;
      }
      case 'escalate':
        if (node.text) replies.push({ text: fill(node.text), quickReplies: [] });
        return { replies, run: null, steps, exit: { type: 'escalate', channel: node.channel } };
      case 'end':
        replies.push({ text: node.text ? fill(node.text) : say(v, 'flowDone'), quickReplies: [] });
        return { replies, run: null, steps, exit: { type: 'end' } };
    }
  }
  return { replies, run: null, steps, exit: { type: 'escalate', channel: 'form' } };
}

type Condition = Extract<FlowNode, { type: 'condition' }>['branches'][number]['when'];

function holds(c: Condition, answers: Record<string, string>, customer: Record<string, string>): boolean {
  const [scope, name] = c.var.split('.') as ['answers' | 'customer', string];
  const actual = (scope === 'answers' ? answers : customer)[name];
  switch (c.op) {
    case 'exists':
      return actual !== undefined && actual !== '';
    case 'eq':
      return actual !== undefined && fold(actual) === fold(String(c.value));
    case 'neq':
      return actual === undefined || fold(actual) !== fold(String(c.value));
    case 'in':
      return actual !== undefined && Array.isArray(c.value) && c.value.some((x) => fold(x) === fold(actual));
    case 'gt':
    case 'lt': {
      const a = Number(actual?.replace(',', '.'));
      const b = Number(c.value);
      return Number.isFinite(a) && Number.isFinite(b) && (c.op === 'gt' ? a > b : a < b);
    }
    case 'matches':
      return (
        actual !== undefined &&
        typeof c.value === 'string' &&
        new RegExp(c.value, 'i').test(actual.slice(0, 500))
      );
  }
}

/** Fills `{{answers.x}}`, `{{customer.x}}`, `{{response.a.b}}`; unknown values render empty. */
export function render(
  template: string,
  scope: { answers: Record<string, string>; customer: Record<string, string>; response: unknown },
  encode: (s: string) => string = (s) => s,
): string {
  return template.replace(
    /\{\{\s*(answers|customer|response)((?:\.[\w-]+)+)\s*\}\}/g,
    (_, root: string, path: string) => {
      let value: unknown = scope[root as keyof typeof scope];
      for (const key of path.slice(1).split('.')) {
        value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
      }
      const text =
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : '';
      return encode(text.slice(0, 500));
    },
  );
}
