/**
 * The demo customer (README, "Customer accounts and the portal"): Claire Martin, Nuvia Pro with fibre,
 * two requests left through the contact form with her address. Her account is resolved the way a
 * magic link resolves it, so her requests join it by the verified-address rule.
 */
import type { Db } from '../db/client.ts';
import { resolveVerifiedEmail, updateCustomerProfile } from '../modules/customers/service.ts';
import { escalate } from '../modules/escalation/service.ts';
import type { Actor } from '../server/access.ts';

export const DEMO_CUSTOMER = { email: 'claire.martin@example.fr', name: 'Claire Martin' };

const REQUESTS = [
  {
    subject: 'Ma fibre coupe tous les soirs',
    description:
      'Depuis lundi, la connexion fibre se coupe vers 21 h pendant quelques minutes. La box est déjà redémarrée.',
  },
  {
    subject: 'Facture de novembre plus élevée que prévu',
    description:
      'Ma facture de novembre compte une option que je n’ai pas demandée. Pouvez-vous la retirer ?',
  },
];

export async function loadDemoCustomer(db: Db, actor: Actor, publicUrl: string) {
  for (const r of REQUESTS) {
    await escalate(
      db,
      {
        channel: 'form',
        subject: r.subject,
        description: r.description,
        context: { locale: 'fr', source: 'helpcentre', customer: DEMO_CUSTOMER },
      },
      { publicUrl },
    );
  }
  const customer = await db.transaction((tx) =>
    resolveVerifiedEmail(tx, DEMO_CUSTOMER.email, { name: DEMO_CUSTOMER.name, locale: 'fr' }),
  );
  await updateCustomerProfile(db, actor, customer.id, { segments: ['plan=pro', 'product=fibre'] });
}
