import type { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { recordAudit } from '../audit/service.ts';
import { defineSetting, getSetting, putSetting } from '../settings/service.ts';
import { Templates } from './schemas.ts';

/** Incident templates the console offers when writing an incident or an update (per locale). */
const TEMPLATES = defineSetting<z.infer<typeof Templates>>('status_templates', Templates, [
  {
    id: 'investigating',
    name: 'Analyse en cours / Investigating',
    status: 'investigating',
    titles: { fr: 'Perturbation sur ', en: 'Disruption on ' },
    bodies: {
      fr: 'Nous avons connaissance d’une perturbation et nos équipes l’analysent. Prochaine mise à jour dans 30 minutes.',
      en: 'We are aware of a disruption and our teams are investigating. Next update in 30 minutes.',
    },
  },
  {
    id: 'resolved',
    name: 'Résolu / Resolved',
    status: 'resolved',
    titles: {},
    bodies: {
      fr: 'Le service est rétabli. Merci de votre patience.',
      en: 'The service is back to normal. Thank you for your patience.',
    },
  },
]);

export const readTemplates = (db: DbOrTx) => getSetting(db, TEMPLATES);

export function writeTemplates(db: Db, actor: Actor, items: z.infer<typeof Templates>) {
  return db.transaction(async (tx) => {
    await putSetting(tx, TEMPLATES, items);
    await recordAudit(tx, actor, {
      action: 'status_templates.updated',
      subjectType: 'settings',
      subjectId: 'status_templates',
    });
    return items;
  });
}
