import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { recordAudit } from '../audit/service.ts';
import { type EventInput, recordEvents } from '../events/service.ts';
import { defineSetting, deleteSetting, getSetting, putSetting } from '../settings/service.ts';
import { deleteSessionsAndResetRollups, refreshRollups } from './repository.ts';

/**
 * A demo install's analytics history (issue 16): generated sessions whose ids all start with
 * `demo:` — a prefix no real session id has (they are random base64url, `p:…` or `v:…`) — so the
 * history can be removed in one click without touching what real visitors did.
 */
export const DEMO_SESSION_PREFIX = 'demo:';

export const DemoHistorySchema = z
  .object({ events: z.number().int(), from: z.string(), to: z.string(), loadedAt: z.string() })
  .nullable();
export type DemoHistory = z.infer<typeof DemoHistorySchema>;

const DEMO_HISTORY = defineSetting('analytics.demoHistory', DemoHistorySchema, null);

export const readDemoHistory = (db: Db): Promise<DemoHistory> => getSetting(db, DEMO_HISTORY);

/** Stores generated events as the demo history; every one must belong to a `demo:` session. */
export async function recordDemoHistory(db: Db, inputs: readonly EventInput[]): Promise<DemoHistory> {
  const bad = inputs.findIndex((e) => !e.sessionId?.startsWith(DEMO_SESSION_PREFIX));
  if (bad >= 0) throw new Error(`demo event ${bad} is not in a ${DEMO_SESSION_PREFIX} session`);
  const days = inputs.map((e) => (e.at ?? new Date()).toISOString().slice(0, 10)).sort();
  const info = {
    events: inputs.length,
    from: days[0] ?? '',
    to: days.at(-1) ?? '',
    loadedAt: new Date().toISOString(),
  };
  await db.transaction(async (tx) => {
    await recordEvents(tx, inputs);
    await putSetting(tx, DEMO_HISTORY, info);
  });
  return info;
}

/** Removes the demo history and rebuilds the rollups from the real events. Returns events deleted. */
export async function removeDemoHistory(db: Db, actor: Actor): Promise<number> {
  const deleted = await db.transaction(async (tx) => {
    const n = await deleteSessionsAndResetRollups(tx, DEMO_SESSION_PREFIX);
    await deleteSetting(tx, DEMO_HISTORY);
    await recordAudit(tx, actor, {
      action: 'analytics_demo_history.removed',
      subjectType: 'analytics',
      details: { events: n },
    });
    return n;
  });
  await refreshRollups(db);
  return deleted;
}
