/**
 * A guided flow ("parcours guidé"): a versioned JSON definition, validated with zod for its shape and
 * by `checkFlowGraph` for what zod cannot see (targets exist, every node reachable, an exit from every
 * node). Its JSON Schema is published at /api/v1/flows/schema.json.
 */
import { z } from 'zod';
import { Locale } from '../settings/schemas.ts';

const NodeId = z
  .string()
  .regex(/^[A-Za-z][\w-]{0,63}$/)
  .describe('Node id: a letter, then letters, digits, `_` or `-`.');
const Text = z.string().trim().min(1).max(2000);
/** Text that may use `{{answers.<nodeId>}}`, `{{customer.<field>}}` and, after an action, `{{response.<path>}}`. */
const Template = Text.describe(
  'Plain text; `{{answers.x}}`, `{{customer.x}}`, `{{response.a.b}}` are filled in.',
);

const MessageNode = z.strictObject({
  type: z.literal('message'),
  text: Template,
  next: NodeId,
});

const Choice = z.strictObject({
  value: z.string().trim().min(1).max(100).describe('Stored as the answer; used by conditions.'),
  label: z.string().trim().min(1).max(120),
  next: NodeId,
});

const FreeInput = z.strictObject({
  kind: z.enum(['text', 'email', 'phone', 'number', 'regex']),
  /** For `regex`: the whole answer must match (anchored, case-insensitive). */
  pattern: z.string().min(1).max(300).optional(),
  min: z.number().optional().describe('For `number`: smallest accepted value.'),
  max: z.number().optional().describe('For `number`: largest accepted value.'),
  errorText: Text.optional(),
  next: NodeId,
});

const QuestionNode = z
  .strictObject({
    type: z.literal('question'),
    text: Template,
    choices: z.array(Choice).min(1).max(10).optional(),
    input: FreeInput.optional(),
    /** Personal data (e-mail, phone…) is kept in the conversation but masked in analytics. */
  })
  .refine((n) => Boolean(n.choices) !== Boolean(n.input), {
    message: 'A question has either `choices` or a free `input`, not both.',
  })
  .refine((n) => n.input?.kind !== 'regex' || Boolean(n.input.pattern && isValidRegex(n.input.pattern)), {
    message: 'A `regex` input needs a valid `pattern`.',
    path: ['input', 'pattern'],
  });

const Condition = z.strictObject({
  /** `answers.<nodeId>` or `customer.<attribute>` (segments: `customer.plan` from `plan=…`). */
  var: z.string().regex(/^(answers|customer)\.[\w-]+$/),
  op: z.enum(['eq', 'neq', 'in', 'exists', 'gt', 'lt', 'matches']),
  value: z.union([z.string().max(300), z.number(), z.array(z.string().max(100)).max(50)]).optional(),
});

const ConditionNode = z.strictObject({
  type: z.literal('condition'),
  branches: z
    .array(z.strictObject({ when: Condition, next: NodeId }))
    .min(1)
    .max(10),
  otherwise: NodeId,
});

const ArticleNode = z.strictObject({
  type: z.literal('article'),
  articleId: z.string().min(1).max(100),
  text: Template.optional(),
  next: NodeId,
});

const ActionNode = z.strictObject({
  type: z.literal('action'),
  /** Name of a connection configured by an admin (base URL and secret headers live server-side). */
  connection: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  method: z.enum(['GET', 'POST']).default('POST'),
  /** Appended to the connection's base URL; templates allowed. */
  path: z
    .string()
    .regex(/^\/[^\s]*$/)
    .max(300),
  /** JSON body sent with POST: each value is a template. */
  body: z.record(z.string().regex(/^[\w-]{1,64}$/), z.string().max(500)).optional(),
  timeoutMs: z.number().int().min(100).max(15_000).default(5000),
  /** Shown on success; `{{response.field}}` reads the JSON response. */
  successText: Template.optional(),
  next: NodeId,
  failureText: Template.optional(),
  /** Taken on error, timeout, non-2xx or non-JSON response. */
  onFailure: NodeId,
});

const EscalateNode = z.strictObject({
  type: z.literal('escalate'),
  text: Template.optional(),
  channel: z.enum(['form', 'callback', 'live']).default('form'),
});

const EndNode = z.strictObject({
  type: z.literal('end'),
  text: Template.optional(),
});

export const FlowNode = z.union([
  MessageNode,
  QuestionNode,
  ConditionNode,
  ArticleNode,
  ActionNode,
  EscalateNode,
  EndNode,
]);
export type FlowNode = z.infer<typeof FlowNode>;

export const FlowDefinition = z.strictObject({
  schemaVersion: z.literal(1).default(1),
  key: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
    .describe('Stable unique key, e.g. `internet-down-fr`.'),
  title: z.string().trim().min(1).max(200),
  locale: Locale,
  description: z.string().max(1000).optional(),
  start: NodeId,
  nodes: z.record(NodeId, FlowNode).refine((n) => Object.keys(n).length > 0 && Object.keys(n).length <= 200, {
    message: 'A flow has 1 to 200 nodes.',
  }),
});
export type FlowDefinition = z.infer<typeof FlowDefinition>;
/** What an editor sends (defaults not applied yet). */
export type FlowDefinitionInput = z.input<typeof FlowDefinition>;

export function isValidRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export interface FlowIssue {
  /** Path of the offending field, node ids included: `nodes.check.next`. */
  field: string;
  message: string;
}

/** Node ids a node can lead to, with the field that names each. */
export function edges(node: FlowNode): Array<{ to: string; field: string }> {
  switch (node.type) {
    case 'message':
    case 'article':
      return [{ to: node.next, field: 'next' }];
    case 'question':
      return node.choices
        ? node.choices.map((c, i) => ({ to: c.next, field: `choices.${i}.next` }))
        : [{ to: node.input!.next, field: 'input.next' }];
    case 'condition':
      return [
        ...node.branches.map((b, i) => ({ to: b.next, field: `branches.${i}.next` })),
        { to: node.otherwise, field: 'otherwise' },
      ];
    case 'action':
      return [
        { to: node.next, field: 'next' },
        { to: node.onFailure, field: 'onFailure' },
      ];
    default:
      return [];
  }
}

const isExit = (node: FlowNode) => node.type === 'end' || node.type === 'escalate';

/**
 * What the graph must satisfy: the start and every target exist (no dangling edge = no dead end),
 * every node is reachable from the start, and from every node an `end` or `escalate` can be reached
 * (a cycle without exit would trap the customer).
 */
export function checkFlowGraph(flow: FlowDefinition): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const ids = Object.keys(flow.nodes);
  if (!flow.nodes[flow.start])
    issues.push({ field: 'start', message: `Start node '${flow.start}' does not exist.` });
  for (const id of ids) {
    for (const e of edges(flow.nodes[id]!)) {
      if (!flow.nodes[e.to]) {
        issues.push({
          field: `nodes.${id}.${e.field}`,
          message: `Node '${id}' leads to '${e.to}', which does not exist (dead end).`,
        });
      }
    }
  }
  if (issues.length) return issues;

  const reachable = new Set<string>([flow.start]);
  for (const queue = [flow.start]; queue.length; ) {
    for (const e of edges(flow.nodes[queue.pop()!]!)) {
      if (!reachable.has(e.to)) {
        reachable.add(e.to);
        queue.push(e.to);
      }
    }
  }
  for (const id of ids) {
    if (!reachable.has(id))
      issues.push({ field: `nodes.${id}`, message: `Node '${id}' cannot be reached from the start.` });
  }

  // Backwards from the exits: what cannot reach one is stuck in a cycle without exit.
  const exits = new Set(ids.filter((id) => isExit(flow.nodes[id]!)));
  let grew = true;
  while (grew) {
    grew = false;
    for (const id of ids) {
      if (!exits.has(id) && edges(flow.nodes[id]!).some((e) => exits.has(e.to))) {
        exits.add(id);
        grew = true;
      }
    }
  }
  for (const id of ids) {
    if (reachable.has(id) && !exits.has(id)) {
      issues.push({
        field: `nodes.${id}`,
        message: `From node '${id}' no end or escalation can be reached (cycle without exit).`,
      });
    }
  }
  return issues;
}

/** Shape and graph, in one list of issues (empty = valid). */
export function validateFlow(input: unknown): { flow?: FlowDefinition; issues: FlowIssue[] } {
  const parsed = FlowDefinition.safeParse(input);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((i) => ({
        field: i.path.join('.') || 'definition',
        message: i.message,
      })),
    };
  }
  const issues = checkFlowGraph(parsed.data);
  return issues.length ? { issues } : { flow: parsed.data, issues };
}

/** The definition's JSON Schema, for editors and the admin console. */
export function flowJsonSchema() {
  return z.toJSONSchema(FlowDefinition, { io: 'input', unrepresentable: 'any' });
}

/** What the customer saw at a node: its text (question, message), else what it did. */
export function labelOf(node: FlowNode | undefined, nodeId: string): string | undefined {
  if (!node || node.type === 'condition') return undefined;
  if ('text' in node && node.text) return node.text.slice(0, 500);
  return node.type === 'action' ? `${node.connection}` : nodeId;
}
