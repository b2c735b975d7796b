import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import { notifyOnCommit } from '../../db/notify.ts';
import type { SynonymRule } from '../../engine/types.ts';
import type { Actor } from '../../server/access.ts';
import { recordAudit } from '../audit/service.ts';
import { defineSetting, getSetting, putSetting } from '../settings/service.ts';

export const SYNONYMS_CHANNEL = 'relais_synonyms_changed';
// Rules are validated by the PUT body before they are stored.
const SYNONYMS = defineSetting('search.synonyms', z.array(z.custom<SynonymRule>()), []);

export const listSynonyms = (db: DbOrTx): Promise<SynonymRule[]> => getSetting(db, SYNONYMS);

/** Replaces one locale's rules; every node reloads them when the transaction commits. */
export async function replaceSynonyms(
  db: Db,
  actor: Actor,
  locale: string,
  rules: Array<Omit<SynonymRule, 'locale'>>,
): Promise<SynonymRule[]> {
  return db.transaction(async (tx) => {
    const others = (await listSynonyms(tx)).filter((r) => r.locale !== locale);
    const mine = rules.map((r) => ({ locale, terms: r.terms, ...(r.oneWay ? { oneWay: true } : {}) }));
    const all = [...others, ...mine];
    await putSetting(tx, SYNONYMS, all);
    await recordAudit(tx, actor, {
      action: 'synonyms.replaced',
      subjectType: 'synonyms',
      subjectId: locale,
      details: { rules: mine.length },
    });
    await notifyOnCommit(tx, SYNONYMS_CHANNEL, locale);
    return mine;
  });
}
