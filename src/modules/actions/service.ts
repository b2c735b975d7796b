/**
 * Self-service actions: admins define them (a flow connection, a path, the verified identity fields
 * sent, optional inputs, texts, segments, a rate limit); a signed-in customer — in the portal, or in
 * the widget with a host-signed identity — confirms and runs one. The call goes through the flow
 * connection mechanism (`callConnection`: secret headers server-side, `outboundFetch`); each run is
 * recorded and audited with the customer as actor, in one transaction.
 */
import type { Db, DbOrTx } from '../../db/client.ts';
import type { ActionInputSpec, LocalisedText } from '../../db/schema/actions.ts';
import type { Actor } from '../../server/access.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { hitSharedLimit } from '../../server/shared-rate-limit.ts';
import { recordAudit } from '../audit/service.ts';
import { render } from '../bot/flow-runner.ts';
import { callConnection, connectionExists } from '../bot/flow-service.ts';
import { type CustomerRow, customerLabels, findCustomer } from '../customers/service.ts';
import * as repo from './repository.ts';
import type { ActionDefinition, SendField } from './schemas.ts';

export type { ActionRow } from './repository.ts';

/** The longest an action's call may take (the connection's own timeout bounds it further). */
const CALL_TIMEOUT_MS = 15_000;

/** Which text of a `{ fr, en }` pair a locale reads. */
export const textIn = (text: LocalisedText, locale: string) => (locale.startsWith('fr') ? text.fr : text.en);

function toRow(def: ActionDefinition): repo.NewAction {
  const { rateLimit, ...rest } = def;
  return { ...rest, rateLimitMax: rateLimit.max, rateLimitWindowMinutes: rateLimit.windowMinutes };
}

async function assertConnection(db: DbOrTx, name: string) {
  if (!(await connectionExists(db, name)))
    throw new ValidationError(`No flow connection named '${name}'.`, 'connection');
}

export async function createAction(db: Db, actor: Actor, def: ActionDefinition) {
  await assertConnection(db, def.connection);
  return db.transaction(async (tx) => {
    const row = await repo.insertAction(tx, toRow(def));
    if (!row) throw new ConflictError(`An action with key '${def.key}' already exists.`, 'key');
    await recordAudit(tx, actor, {
      action: 'customer_action.created',
      subjectType: 'customer_action',
      subjectId: row.id,
    });
    return row;
  });
}

export async function updateAction(db: Db, actor: Actor, id: string, def: ActionDefinition) {
  await assertConnection(db, def.connection);
  return db.transaction(async (tx) => {
    const other = await repo.findActionByKey(tx, def.key);
    if (other && other.id !== id)
      throw new ConflictError(`An action with key '${def.key}' already exists.`, 'key');
    const row = await repo.updateAction(tx, id, toRow(def));
    if (!row) throw new NotFoundError('Action');
    await recordAudit(tx, actor, {
      action: 'customer_action.updated',
      subjectType: 'customer_action',
      subjectId: id,
    });
    return row;
  });
}

export async function deleteAction(db: Db, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const [gone] = await repo.deleteAction(tx, id);
    if (!gone) throw new NotFoundError('Action');
    await recordAudit(tx, actor, {
      action: 'customer_action.deleted',
      subjectType: 'customer_action',
      subjectId: id,
    });
  });
}

export async function findAction(db: DbOrTx, id: string) {
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findAction(db, id) : undefined;
  if (!row) throw new NotFoundError('Action');
  return row;
}

export const listActions = (db: DbOrTx) => repo.listActions(db);

/** The runs log with customers' labels (not ids) and the actions' keys. */
export async function listRuns(
  db: DbOrTx,
  q: { actionId?: string | undefined; limit: number; offset: number },
) {
  const { items, total } = await repo.listRuns(db, q);
  const labels = await customerLabels(
    db,
    items.flatMap((r) => (r.customerId ? [r.customerId] : [])),
  );
  return {
    total,
    items: items.map((r) => ({ ...r, customer: r.customerId ? (labels.get(r.customerId) ?? null) : null })),
  };
}

const mayUse = (action: repo.ActionRow, customer: CustomerRow) =>
  action.enabled &&
  (action.segments.length === 0 || action.segments.some((s) => customer.segments.includes(s)));

/**
 * How the customer's identity reached us: a portal session (their e-mail proved by a magic link or
 * the identity provider) or a widget token whose identity the host signed.
 */
export type VerifiedVia = 'portal' | 'widget' | 'flow';
export interface ActionCaller {
  customerId: string;
  via: VerifiedVia;
}

/**
 * Identity check shared by every surface: a portal customer must hold a verified e-mail; a widget or
 * flow caller was resolved from a host-signed identity (the surface checked the signature).
 */
async function verifiedCustomer(db: DbOrTx, caller: ActionCaller) {
  const customer = await findCustomer(db, caller.customerId).catch(() => undefined);
  if (!customer || (caller.via === 'portal' && !customer.emailVerifiedAt)) throw identityNotVerified();
  return customer;
}

export const identityNotVerified = () =>
  new AppError('identity-not-verified', 403, 'Self-service actions need a verified customer identity.');

/** The actions this customer may use, in the console's order. */
export async function actionsFor(db: DbOrTx, caller: ActionCaller) {
  const customer = await verifiedCustomer(db, caller);
  return (await repo.listActions(db)).filter((a) => mayUse(a, customer));
}

/** One action this customer may use; another's segment or a disabled one is the same 404 as none. */
export async function actionFor(db: DbOrTx, caller: ActionCaller, id: string) {
  const customer = await verifiedCustomer(db, caller);
  const action = await findAction(db, id).catch(() => undefined);
  if (!action || !mayUse(action, customer)) throw new NotFoundError('Action');
  return action;
}

/** Checks the customer's answers against the action's inputs: 400 naming `answers.<name>`. */
export function readAnswers(specs: ActionInputSpec[], raw: Record<string, unknown>) {
  const answers: Record<string, string> = {};
  for (const key of Object.keys(raw)) {
    if (!specs.some((s) => s.name === key))
      throw new ValidationError(`Unknown input '${key}'.`, `answers.${key}`);
  }
  for (const spec of specs) {
    const field = `answers.${spec.name}`;
    const value = typeof raw[spec.name] === 'string' ? (raw[spec.name] as string).trim() : raw[spec.name];
    if (value === undefined || value === '') {
      if (spec.required) throw new ValidationError(`'${spec.name}' is required.`, field);
      continue;
    }
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string' || text.length > (spec.maxLength ?? 200))
      throw new ValidationError(`'${spec.name}' is too long or not text.`, field);
    const ok =
      spec.kind === 'number'
        ? Number.isFinite(Number(text.replace(',', '.')))
        : spec.kind === 'date'
          ? /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))
          : spec.kind === 'choice'
            ? (spec.choices ?? []).some((c) => c.value === text)
            : true;
    if (!ok) throw new ValidationError(`'${spec.name}' is not a valid ${spec.kind}.`, field);
    answers[spec.name] = text;
  }
  return answers;
}

function identityFields(customer: CustomerRow, fields: string[]) {
  const all: Record<SendField, unknown> = {
    id: customer.id,
    externalId: customer.externalId,
    // Only a verified address is identity; an unverified one is never sent.
    email: customer.emailVerifiedAt ? customer.email : null,
    segments: customer.segments,
  };
  return Object.fromEntries(fields.map((f) => [f, all[f as SendField] ?? null]));
}

export interface RunResult {
  outcome: 'succeeded' | 'failed';
  /** The action's success or failure text, filled in the caller's locale. */
  message: string;
}

/**
 * Runs an action for a verified customer: may they use it (segments), within the rate limit, valid
 * answers; then the call through its connection, and the run recorded and audited (customer actor).
 */
export async function runAction(
  db: Db,
  caller: ActionCaller,
  id: string,
  input: { answers: Record<string, unknown>; locale: string },
): Promise<RunResult> {
  const action = await actionFor(db, caller, id);
  const customer = await findCustomer(db, caller.customerId);
  const answers = readAnswers(action.inputs, input.answers);
  const actor: Actor = { kind: 'customer', id: customer.id, sessionId: '', csrfToken: '' };
  const limit = await hitSharedLimit(db, 'customer-action', `${action.id}:${customer.id}`, {
    max: action.rateLimitMax,
    windowMs: action.rateLimitWindowMinutes * 60_000,
  });
  if (!limit.allowed) {
    await record(db, actor, action, caller.via, 'refused', 'rate_limited');
    throw new AppError('rate-limited', 429, 'This action was run too often: try again later.');
  }
  const sent = identityFields(customer, action.sendFields);
  const scope = {
    answers,
    customer: Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, String(v ?? '')])),
  };
  const result = await callConnection(db, action.connection, {
    method: action.method,
    path: render(action.path, { ...scope, response: undefined }, encodeURIComponent),
    timeoutMs: CALL_TIMEOUT_MS,
    ...(action.method === 'POST' ? { body: { action: action.key, customer: sent, answers } } : {}),
  });
  await record(
    db,
    actor,
    action,
    caller.via,
    result.ok ? 'succeeded' : 'failed',
    result.ok ? null : result.reason,
  );
  return result.ok
    ? {
        outcome: 'succeeded',
        message: render(textIn(action.successText, input.locale), { ...scope, response: result.body }),
      }
    : {
        outcome: 'failed',
        message: render(textIn(action.failureText, input.locale), { ...scope, response: undefined }),
      };
}

async function record(
  db: Db,
  actor: Actor,
  action: repo.ActionRow,
  channel: VerifiedVia,
  outcome: 'succeeded' | 'failed' | 'refused',
  reason: string | null,
) {
  await db.transaction(async (tx) => {
    const run = await repo.insertRun(tx, {
      actionId: action.id,
      customerId: actor.kind === 'customer' ? actor.id : null,
      channel,
      outcome,
      reason,
    });
    await recordAudit(tx, actor, {
      action: 'customer_action.ran',
      subjectType: 'customer_action',
      subjectId: action.id,
      details: { runId: run.id, channel, outcome, reason },
    });
  });
}
