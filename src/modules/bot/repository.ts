import { and, asc, desc, eq, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { openValues, sealValues } from '../../crypto/secret-box.ts';
import type { DbOrTx } from '../../db/client.ts';
import {
  articleFlows,
  botEscalations,
  conversationEvents,
  conversations,
  flowConnections,
  flows,
  flowVersions,
} from '../../db/schema.ts';

export type ConversationRow = typeof conversations.$inferSelect;
export type ConversationEventRow = typeof conversationEvents.$inferSelect;
export type NewConversationEvent = Omit<typeof conversationEvents.$inferInsert, 'id' | 'at'>;
export type FlowRow = typeof flows.$inferSelect;
export type FlowVersionRow = typeof flowVersions.$inferSelect;
export type FlowConnectionRow = typeof flowConnections.$inferSelect;

// ── conversations ──

export async function insertConversation(db: DbOrTx, values: typeof conversations.$inferInsert) {
  const [row] = await db.insert(conversations).values(values).returning();
  return row!;
}

export const findConversation = async (db: DbOrTx, id: string) =>
  (await db.select().from(conversations).where(eq(conversations.id, id)).limit(1))[0];

/** Locks the conversation row for the turn, so two messages sent at once are applied one after the other. */
export const lockConversation = async (db: DbOrTx, id: string) =>
  (await db.select().from(conversations).where(eq(conversations.id, id)).for('update').limit(1))[0];

export async function updateConversation(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<ConversationRow, 'state' | 'status' | 'locale'>>,
) {
  const [row] = await db
    .update(conversations)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(conversations.id, id))
    .returning();
  return row;
}

export async function insertEvents(db: DbOrTx, rows: NewConversationEvent[]) {
  if (rows.length === 0) return [];
  return db.insert(conversationEvents).values(rows).returning();
}

export const listEvents = (db: DbOrTx, conversationId: string) =>
  db
    .select()
    .from(conversationEvents)
    .where(eq(conversationEvents.conversationId, conversationId))
    .orderBy(asc(conversationEvents.id));

export const listConversations = (
  db: DbOrTx,
  q: { limit: number; before?: Date | undefined; status?: string | undefined },
) =>
  db
    .select()
    .from(conversations)
    .where(
      and(
        q.before ? lt(conversations.createdAt, q.before) : undefined,
        q.status ? eq(conversations.status, q.status as ConversationRow['status']) : undefined,
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(q.limit);

// ── flows ──

export async function insertFlow(db: DbOrTx, values: typeof flows.$inferInsert) {
  const [row] = await db.insert(flows).values(values).onConflictDoNothing({ target: flows.key }).returning();
  return row;
}

export const findFlow = async (db: DbOrTx, id: string) =>
  (await db.select().from(flows).where(eq(flows.id, id)).limit(1))[0];

export const findFlowByKey = async (db: DbOrTx, key: string) =>
  (await db.select().from(flows).where(eq(flows.key, key)).limit(1))[0];

export const listFlows = (db: DbOrTx) => db.select().from(flows).orderBy(asc(flows.key));

export async function updateFlow(
  db: DbOrTx,
  id: string,
  patch: Partial<Pick<FlowRow, 'title' | 'locale' | 'key' | 'latestVersion' | 'publishedVersion'>>,
) {
  const [row] = await db
    .update(flows)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(flows.id, id))
    .returning();
  return row;
}

export async function insertFlowVersion(db: DbOrTx, values: typeof flowVersions.$inferInsert) {
  const [row] = await db.insert(flowVersions).values(values).returning();
  return row!;
}

export const findFlowVersion = async (db: DbOrTx, flowId: string, version: number) =>
  (
    await db
      .select()
      .from(flowVersions)
      .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.version, version)))
      .limit(1)
  )[0];

export const listFlowVersions = (db: DbOrTx, flowId: string) =>
  db
    .select({
      version: flowVersions.version,
      createdBy: flowVersions.createdBy,
      createdAt: flowVersions.createdAt,
      publishedAt: flowVersions.publishedAt,
    })
    .from(flowVersions)
    .where(eq(flowVersions.flowId, flowId))
    .orderBy(desc(flowVersions.version));

export const markVersionPublished = (db: DbOrTx, flowId: string, version: number) =>
  db
    .update(flowVersions)
    .set({ publishedAt: sql`now()` })
    .where(and(eq(flowVersions.flowId, flowId), eq(flowVersions.version, version)));

export async function setArticleFlow(db: DbOrTx, articleId: string, flowId: string) {
  await db
    .insert(articleFlows)
    .values({ articleId, flowId })
    .onConflictDoUpdate({ target: articleFlows.articleId, set: { flowId } });
}

export const deleteArticleFlow = (db: DbOrTx, articleId: string) =>
  db.delete(articleFlows).where(eq(articleFlows.articleId, articleId)).returning();

export const listArticleFlows = (db: DbOrTx, flowId?: string) =>
  db
    .select()
    .from(articleFlows)
    .where(flowId ? eq(articleFlows.flowId, flowId) : undefined)
    .orderBy(asc(articleFlows.articleId));

/** Published flows offered by these answers. */
export async function publishedFlowsForArticles(db: DbOrTx, articleIds: string[]) {
  if (articleIds.length === 0) return [];
  return db
    .select({ articleId: articleFlows.articleId, flowId: articleFlows.flowId })
    .from(articleFlows)
    .innerJoin(flows, eq(flows.id, articleFlows.flowId))
    .where(and(inArray(articleFlows.articleId, articleIds), isNotNull(flows.publishedVersion)));
}

// ── connections (secrets stay here) ──

// Header values are secrets: sealed at rest (crypto/secret-box.ts), open once read.
const openConnection = (row: FlowConnectionRow | undefined): FlowConnectionRow | undefined =>
  row && { ...row, headers: openValues(row.headers) };

export async function upsertConnection(db: DbOrTx, values: typeof flowConnections.$inferInsert) {
  const headers = sealValues(values.headers ?? {});
  const [row] = await db
    .insert(flowConnections)
    .values({ ...values, headers })
    .onConflictDoUpdate({
      target: flowConnections.name,
      set: {
        baseUrl: values.baseUrl,
        headers,
        timeoutMs: values.timeoutMs ?? 5000,
        updatedAt: new Date(),
      },
    })
    .returning();
  return openConnection(row)!;
}

export const findConnection = async (db: DbOrTx, name: string) =>
  openConnection((await db.select().from(flowConnections).where(eq(flowConnections.name, name)).limit(1))[0]);

export const listConnections = async (db: DbOrTx) =>
  (await db.select().from(flowConnections).orderBy(asc(flowConnections.name))).map((r) => openConnection(r)!);

export const deleteConnection = (db: DbOrTx, name: string) =>
  db.delete(flowConnections).where(eq(flowConnections.name, name)).returning();

// ── escalations: the bot's record of each hand-over to a ticket ──

export async function insertEscalation(db: DbOrTx, values: typeof botEscalations.$inferInsert) {
  const [row] = await db.insert(botEscalations).values(values).returning();
  return row!;
}

export const listEscalations = (db: DbOrTx, conversationId: string) =>
  db.select().from(botEscalations).where(eq(botEscalations.conversationId, conversationId));
