/**
 * Guided flows for editors (versions, validation, publication, links from answers) and for the
 * conversation service (the published definition to run, the HTTP actions it calls).
 */
import type { Db, DbOrTx } from '../../db/client.ts';
import { outboundFetch } from '../../net/outbound.ts';
import type { Actor } from '../../server/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import type { SearchSource } from '../search/plugin.ts';
import type { BotReply } from './dialogue.ts';
import type { ActionResult, FlowIO } from './flow-runner.ts';
import { answerFlow, startFlow } from './flow-runner.ts';
import { edges, type FlowDefinition, type FlowIssue, labelOf, validateFlow } from './flow-schema.ts';
import { botLocale, type Voice } from './messages.ts';
import * as repo from './repository.ts';

/** Throws a ValidationError naming the first offending field (node ids included) and listing the others. */
export function assertValidFlow(input: unknown): FlowDefinition {
  const { flow, issues } = validateFlow(input);
  if (!flow) throw flowInvalid(issues);
  return flow;
}

function flowInvalid(issues: FlowIssue[]) {
  const first = issues[0]!;
  const more =
    issues.length > 1
      ? ` (+${issues.length - 1} more: ${issues
          .slice(1, 6)
          .map((i) => i.field)
          .join(', ')})`
      : '';
  return new ValidationError(`${first.message}${more}`, `definition.${first.field}`);
}

export async function createFlow(db: Db, actor: Actor, input: unknown) {
  const def = assertValidFlow(input);
  return db.transaction(async (tx) => {
    const flow = await repo.insertFlow(tx, {
      key: def.key,
      title: def.title,
      locale: def.locale,
      latestVersion: 1,
    });
    if (!flow) throw new ConflictError(`A flow with key '${def.key}' already exists.`, 'definition.key');
    await repo.insertFlowVersion(tx, {
      flowId: flow.id,
      version: 1,
      definition: def,
      createdBy: actorId(actor),
    });
    await recordAudit(tx, actor, { action: 'flow.created', subjectType: 'flow', subjectId: flow.id });
    return flow;
  });
}

/** Saves a new version (drafts are versions too; conversations keep running the published one). */
export async function saveFlow(db: Db, actor: Actor, id: string, input: unknown) {
  const def = assertValidFlow(input);
  return db.transaction(async (tx) => {
    const flow = await repo.findFlow(tx, id);
    if (!flow) throw new NotFoundError('Flow');
    if (def.key !== flow.key) {
      const other = await repo.findFlowByKey(tx, def.key);
      if (other) throw new ConflictError(`A flow with key '${def.key}' already exists.`, 'definition.key');
    }
    const version = flow.latestVersion + 1;
    await repo.insertFlowVersion(tx, { flowId: id, version, definition: def, createdBy: actorId(actor) });
    const row = await repo.updateFlow(tx, id, {
      key: def.key,
      title: def.title,
      locale: def.locale,
      latestVersion: version,
    });
    await recordAudit(tx, actor, {
      action: 'flow.saved',
      subjectType: 'flow',
      subjectId: id,
      details: { version },
    });
    return row!;
  });
}

export async function publishFlow(db: Db, actor: Actor, id: string, version?: number) {
  return db.transaction(async (tx) => {
    const flow = await repo.findFlow(tx, id);
    if (!flow) throw new NotFoundError('Flow');
    const v = version ?? flow.latestVersion;
    const stored = await repo.findFlowVersion(tx, id, v);
    if (!stored) throw new NotFoundError(`Version ${v}`);
    assertValidFlow(stored.definition); // definitions are validated on save; the rules may have grown since
    await repo.markVersionPublished(tx, id, v);
    const row = await repo.updateFlow(tx, id, { publishedVersion: v });
    await recordAudit(tx, actor, {
      action: 'flow.published',
      subjectType: 'flow',
      subjectId: id,
      details: { version: v },
    });
    return row!;
  });
}

export async function unpublishFlow(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const row = await repo.updateFlow(tx, id, { publishedVersion: null });
    if (!row) throw new NotFoundError('Flow');
    await recordAudit(tx, actor, { action: 'flow.unpublished', subjectType: 'flow', subjectId: id });
    return row;
  });
}

export async function getFlow(db: DbOrTx, id: string, version?: number) {
  const flow = await repo.findFlow(db, id);
  if (!flow) throw new NotFoundError('Flow');
  const v = version ?? flow.latestVersion;
  const stored = await repo.findFlowVersion(db, id, v);
  if (!stored) throw new NotFoundError(`Version ${v}`);
  const [versions, links] = await Promise.all([repo.listFlowVersions(db, id), repo.listArticleFlows(db, id)]);
  return { flow, version: stored, versions, articleIds: links.map((l) => l.articleId) };
}

export async function linkArticle(db: Db, actor: Actor, articleId: string, flowId: string | null) {
  return db.transaction(async (tx) => {
    if (flowId) {
      if (!(await repo.findFlow(tx, flowId))) throw new NotFoundError('Flow');
      await repo.setArticleFlow(tx, articleId, flowId);
    } else {
      await repo.deleteArticleFlow(tx, articleId);
    }
    await recordAudit(tx, actor, {
      action: flowId ? 'article_flow.linked' : 'article_flow.unlinked',
      subjectType: 'article',
      subjectId: articleId,
      details: { flowId },
    });
  });
}

/** The definition conversations run: the given version, or the published one. */
export async function loadRunnableFlow(db: DbOrTx, flowId: string, version?: number) {
  const flow = await repo.findFlow(db, flowId);
  const v = version ?? flow?.publishedVersion;
  if (!flow || !v) return undefined;
  const stored = await repo.findFlowVersion(db, flowId, v);
  if (!stored) return undefined;
  const parsed = validateFlow(stored.definition);
  return parsed.flow ? { flowId, version: v, definition: parsed.flow } : undefined;
}

/** A flow as reports show it: its title and its steps' labels, in the definition's order. */
export interface FlowDescription {
  name: string;
  steps: Array<{ id: string; label: string }>;
}

/**
 * Names instead of ids for reports: each flow's title and what the customer saw at each step, from
 * its published version (else its latest). Unknown ids are simply absent.
 */
export async function describeFlows(db: DbOrTx, flowIds: string[]): Promise<Map<string, FlowDescription>> {
  const out = new Map<string, FlowDescription>();
  for (const id of new Set(flowIds)) {
    if (!/^[0-9a-f-]{36}$/i.test(id)) continue;
    const flow = await repo.findFlow(db, id);
    const version = flow
      ? await repo.findFlowVersion(db, id, flow.publishedVersion ?? flow.latestVersion)
      : undefined;
    const def = version ? validateFlow(version.definition).flow : undefined;
    if (!def) continue;
    // Stored definitions do not keep their keys' order: steps go in the order a customer meets them
    // (breadth first from the start), then any the graph does not reach.
    const order = [def.start];
    for (let i = 0; i < order.length; i++) {
      const node = def.nodes[order[i]!];
      for (const e of node ? edges(node) : []) if (!order.includes(e.to)) order.push(e.to);
    }
    for (const nodeId of Object.keys(def.nodes)) if (!order.includes(nodeId)) order.push(nodeId);
    out.set(id, {
      name: def.title,
      steps: order.flatMap((nodeId) => {
        const label = labelOf(def.nodes[nodeId], nodeId);
        return label === undefined ? [] : [{ id: nodeId, label }];
      }),
    });
  }
  return out;
}

// ── connections ──

export interface ConnectionInput {
  baseUrl: string;
  headers?: Record<string, string> | undefined;
  timeoutMs?: number | undefined;
}

export async function saveConnection(db: Db, actor: Actor, name: string, input: ConnectionInput) {
  return db.transaction(async (tx) => {
    const row = await repo.upsertConnection(tx, {
      name,
      baseUrl: input.baseUrl.replace(/\/$/, ''),
      headers: input.headers ?? {},
      timeoutMs: input.timeoutMs ?? 5000,
    });
    // Header names only: their values are secrets.
    await recordAudit(tx, actor, {
      action: 'flow_connection.saved',
      subjectType: 'flow_connection',
      subjectId: name,
      details: { headers: Object.keys(input.headers ?? {}) },
    });
    return row;
  });
}

/** Whether a connection of that name exists (self-service actions check it when saved). */
export async function connectionExists(db: DbOrTx, name: string) {
  return (await repo.findConnection(db, name)) !== undefined;
}

/** What the API shows of a connection: never the header values. */
export function presentConnection(row: repo.FlowConnectionRow) {
  return {
    name: row.name,
    baseUrl: row.baseUrl,
    headerNames: Object.keys(row.headers),
    timeoutMs: row.timeoutMs,
    updatedAt: row.updatedAt,
  };
}

/**
 * Calls a flow action through its connection: base URL and secret headers from the server-side store,
 * the node's own timeout (bounded by the connection's), JSON in and out. Never throws.
 */
export async function callConnection(
  db: DbOrTx,
  connectionName: string,
  request: { method: 'GET' | 'POST'; path: string; body?: Record<string, unknown>; timeoutMs: number },
): Promise<ActionResult> {
  const connection = await repo.findConnection(db, connectionName);
  if (!connection) return { ok: false, reason: 'unknown_connection' };
  const timeout = Math.min(request.timeoutMs, connection.timeoutMs);
  try {
    const res = await outboundFetch(
      `${connection.baseUrl}${request.path}`,
      {
        method: request.method,
        headers: {
          accept: 'application/json',
          ...(request.body ? { 'content-type': 'application/json' } : {}),
          ...connection.headers,
        },
        ...(request.method === 'POST' ? { body: JSON.stringify(request.body ?? {}) } : {}),
      },
      { timeoutMs: timeout },
    );
    if (!res.ok) return { ok: false, reason: `http_${res.status}` };
    const text = await res.text();
    if (text.length > 100_000) return { ok: false, reason: 'response_too_large' };
    return { ok: true, body: text ? JSON.parse(text) : {} };
  } catch (err) {
    const name = (err as Error).name;
    return {
      ok: false,
      reason:
        name === 'TimeoutError' || name === 'AbortError'
          ? 'timeout'
          : name === 'SyntaxError'
            ? 'not_json'
            : name === 'OutboundRefusedError'
              ? 'outbound_refused'
              : 'network',
    };
  }
}

export function flowIO(db: DbOrTx, source: SearchSource, segments: string[]): FlowIO {
  return {
    customer: Object.fromEntries(
      segments.flatMap((s) => {
        const i = s.indexOf('=');
        return i > 0 ? [[s.slice(0, i), s.slice(i + 1)]] : [];
      }),
    ),
    card: async (id) => (await source.cards([id], 'public'))[0],
    callAction: (node, req) =>
      callConnection(db, node.connection, { method: node.method, timeoutMs: node.timeoutMs, ...req }),
  };
}

export async function makeFlowIO(deps: { db: Db; source: SearchSource }, row: { segments: string[] }) {
  return flowIO(deps.db, deps.source, row.segments);
}

/**
 * Runs a definition with scripted answers, for editors: actions are not called, they take their
 * success branch with an empty response (or the failure branch with `failActions`).
 */
export async function previewFlow(
  voice: Omit<Voice, 'locale'>,
  input: unknown,
  answers: string[],
  opts: { failActions?: boolean | undefined; source: SearchSource },
) {
  const def = assertValidFlow(input);
  const v: Voice = { ...voice, locale: botLocale(def.locale) };
  const io: FlowIO = {
    customer: {},
    card: async (id) => (await opts.source.cards([id], 'public'))[0],
    callAction: async () => (opts.failActions ? { ok: false, reason: 'preview' } : { ok: true, body: {} }),
  };
  const transcript: Array<{
    from: 'bot' | 'customer';
    text: string;
    quickReplies?: BotReply['quickReplies'];
  }> = [];
  const path: string[] = [];
  const push = (replies: BotReply[]) => {
    for (const r of replies) transcript.push({ from: 'bot', text: r.text, quickReplies: r.quickReplies });
  };
  let out = await startFlow(v, 'preview', 0, def, io);
  push(out.replies);
  path.push(...out.steps.map((s) => s.nodeId));
  for (const a of answers) {
    if (!out.run) break;
    transcript.push({ from: 'customer', text: a });
    out = await answerFlow(v, def, out.run, { text: a }, io);
    push(out.replies);
    path.push(...out.steps.map((s) => s.nodeId));
  }
  return { transcript, path, waitingOn: out.run?.nodeId ?? null, exit: out.exit?.type ?? null };
}

function actorId(actor: Actor) {
  return actor.kind === 'anonymous' ? null : actor.id;
}
