/**
 * The flow builder's model: a flow definition (as in `src/modules/bot/flow-schema.ts`) read as steps and
 * exits, with the edits the canvas and the step panel make. Pure functions on plain objects: the
 * definition stays the one source of truth, the canvas is derived from it.
 */

export type StepKind = 'message' | 'question' | 'condition' | 'article' | 'action' | 'escalate' | 'end';
export const STEP_KINDS: StepKind[] = [
  'message',
  'question',
  'article',
  'action',
  'condition',
  'escalate',
  'end',
];

/** A step as the editor holds it: the schema's fields, loosely typed (the server validates). */
export type Step = { type: StepKind } & Record<string, unknown>;
export interface FlowDoc {
  key: string;
  title: string;
  locale: string;
  start: string;
  nodes: Record<string, Step>;
  [field: string]: unknown;
}

/** One way out of a step: the field that names the next step (`next`, `choices.1.next`…), its target. */
export interface Exit {
  field: string;
  to: string;
  /** What the canvas writes on the edge: a choice's label, or the exit's kind. */
  label: {
    kind: 'next' | 'choice' | 'input' | 'branch' | 'otherwise' | 'success' | 'failure';
    text?: string;
  };
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown) => (Array.isArray(v) ? (v as Array<Record<string, unknown>>) : []);

/** The exits a step offers, connected or not (an unconnected exit has `to: ''`). */
export function exitsOf(step: Step): Exit[] {
  switch (step.type) {
    case 'message':
    case 'article':
      return [{ field: 'next', to: str(step.next), label: { kind: 'next' } }];
    case 'question': {
      if (step.input && typeof step.input === 'object') {
        const input = step.input as Record<string, unknown>;
        return [{ field: 'input.next', to: str(input.next), label: { kind: 'input' } }];
      }
      return list(step.choices).map((c, i) => ({
        field: `choices.${i}.next`,
        to: str(c?.next),
        label: { kind: 'choice', text: str(c?.label) || str(c?.value) },
      }));
    }
    case 'condition':
      return [
        ...list(step.branches).map((b, i) => ({
          field: `branches.${i}.next`,
          to: str(b?.next),
          label: { kind: 'branch' as const, text: String(i + 1) },
        })),
        { field: 'otherwise', to: str(step.otherwise), label: { kind: 'otherwise' } },
      ];
    case 'action':
      return [
        { field: 'next', to: str(step.next), label: { kind: 'success' } },
        { field: 'onFailure', to: str(step.onFailure), label: { kind: 'failure' } },
      ];
    default:
      return [];
  }
}

/** Reads a definition the server sent (or the JSON view holds) as a document the builder can edit. */
export function asFlowDoc(value: unknown): FlowDoc | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const nodes = v.nodes;
  if (!nodes || typeof nodes !== 'object' || Array.isArray(nodes)) return null;
  for (const step of Object.values(nodes as Record<string, unknown>)) {
    if (!step || typeof step !== 'object' || !STEP_KINDS.includes((step as Step).type)) return null;
  }
  return { ...v, nodes: nodes as Record<string, Step> } as FlowDoc;
}

/** Sets the object at a dotted path (`choices.1.next`), copying what it passes through. */
function setPath<T>(target: T, path: string[], value: unknown): T {
  const [head, ...rest] = path;
  if (head === undefined) return value as T;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(target)
    ? [...target]
    : { ...(target as Record<string, unknown>) };
  const current = (copy as Record<string, unknown>)[head];
  (copy as Record<string, unknown>)[head] = setPath(current ?? {}, rest, value);
  return copy as T;
}

export function updateStep(doc: FlowDoc, id: string, step: Step): FlowDoc {
  return { ...doc, nodes: { ...doc.nodes, [id]: step } };
}

/** Points one exit of a step at another step (`''` disconnects it). */
export function connect(doc: FlowDoc, from: string, field: string, to: string): FlowDoc {
  const step = doc.nodes[from];
  if (!step) return doc;
  return updateStep(doc, from, setPath(step, field.split('.'), to));
}

/** A new step's fields: what its kind needs, exits unconnected. */
export function blankStep(kind: StepKind, text: { message: string; choice: string }): Step {
  switch (kind) {
    case 'message':
      return { type: kind, text: text.message, next: '' };
    case 'question':
      return { type: kind, text: text.message, choices: [{ value: 'yes', label: text.choice, next: '' }] };
    case 'condition':
      return {
        type: kind,
        branches: [{ when: { var: 'answers.', op: 'eq', value: '' }, next: '' }],
        otherwise: '',
      };
    case 'article':
      return { type: kind, articleId: '', next: '' };
    case 'action':
      return { type: kind, connection: '', method: 'POST', path: '/', next: '', onFailure: '' };
    case 'escalate':
      return { type: kind, channel: 'form' };
    default:
      return { type: 'end' };
  }
}

/** A free step id for a kind: `question-2`. */
export function freeId(doc: FlowDoc, kind: StepKind): string {
  for (let n = 1; ; n++) {
    const id = `${kind}-${n}`;
    if (!doc.nodes[id]) return id;
  }
}

/**
 * Adds a step; when `after` is given, its first unconnected exit leads to the new step (so "add a step"
 * on a selected step grows the flow where the editor is working).
 */
export function addStep(doc: FlowDoc, step: Step, id: string, after?: string): FlowDoc {
  let next = { ...doc, nodes: { ...doc.nodes, [id]: step } };
  const from = after ? doc.nodes[after] : undefined;
  const open = from && exitsOf(from).find((e) => !e.to);
  if (after && open) next = connect(next, after, open.field, id);
  if (!doc.nodes[doc.start]) next.start = id;
  return next;
}

/** Removes a step; exits that led to it become unconnected. */
export function removeStep(doc: FlowDoc, id: string): FlowDoc {
  const { [id]: _gone, ...nodes } = doc.nodes;
  let next: FlowDoc = { ...doc, nodes };
  for (const [from, step] of Object.entries(nodes)) {
    for (const e of exitsOf(step)) if (e.to === id) next = connect(next, from, e.field, '');
  }
  return next;
}

/** Renames a step and every exit (and the start) that names it. */
export function renameStep(doc: FlowDoc, id: string, to: string): FlowDoc {
  if (id === to || !doc.nodes[id] || doc.nodes[to]) return doc;
  const nodes: Record<string, Step> = {};
  for (const [k, v] of Object.entries(doc.nodes)) nodes[k === id ? to : k] = v;
  let next: FlowDoc = { ...doc, nodes, start: doc.start === id ? to : doc.start };
  for (const [from, step] of Object.entries(nodes)) {
    for (const e of exitsOf(step)) if (e.to === id) next = connect(next, from, e.field, to);
  }
  return next;
}

export interface Placed {
  id: string;
  x: number;
  y: number;
}

/**
 * Top-down layout, breadth-first from the start: a row per depth, steps centred in their row in the
 * order their exits are met; steps the start does not reach go in a last row.
 */
export function layout(doc: FlowDoc, size = { width: 240, height: 150, gap: 40 }): Placed[] {
  const depth = new Map<string, number>();
  const rows: string[][] = [];
  const place = (id: string, d: number) => {
    depth.set(id, d);
    rows[d] ??= [];
    rows[d]!.push(id);
  };
  if (doc.nodes[doc.start]) place(doc.start, 0);
  for (let i = 0; i < rows.length; i++) {
    for (const id of rows[i] ?? []) {
      for (const e of exitsOf(doc.nodes[id]!)) {
        if (e.to && doc.nodes[e.to] && !depth.has(e.to)) place(e.to, i + 1);
      }
    }
  }
  const rest = Object.keys(doc.nodes).filter((id) => !depth.has(id));
  if (rest.length) rows.push(rest);
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const step = size.width + size.gap;
  return rows.flatMap((row, d) =>
    row.map((id, i) => ({
      id,
      x: (i - (row.length - 1) / 2) * step + ((widest - 1) / 2) * step,
      y: d * (size.height + size.gap),
    })),
  );
}

/** The step an issue's field names: `definition.nodes.check.next` → `check`. */
export function stepOfIssue(field: string): string | null {
  const m = /^(?:definition\.)?nodes\.([^.]+)/.exec(field);
  return m ? (m[1] ?? null) : null;
}
