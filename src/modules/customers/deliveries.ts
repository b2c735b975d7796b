/** The e-mails of customer sign-in, rendered at delivery time from the sign-in row (OutboxRenderer). */
import type { OutboxRenderer } from '../outbox/service.ts';
import * as repo from './repository.ts';

const COPY = {
  fr: {
    subject: 'Votre lien de connexion',
    body: (link: string) =>
      `Bonjour,\n\nPour accéder à votre espace client, ouvrez ce lien (valable 15\u00a0minutes, une seule fois)\u00a0:\n${link}\n\nSi vous n’avez rien demandé, ignorez ce message\u00a0: personne ne peut se connecter sans ce lien.\n`,
  },
  en: {
    subject: 'Your sign-in link',
    body: (link: string) =>
      `Hello,\n\nTo open your customer account, follow this link (valid for 15 minutes, once):\n${link}\n\nIf you did not ask for it, ignore this message: nobody can sign in without this link.\n`,
  },
};

export const customerDeliveries: OutboxRenderer = {
  emails: {
    customer_sign_in: async (db, row) => {
      const payload = row.payload as { signInId?: string; link?: string };
      const signIn = payload.signInId ? await repo.findSignInToken(db, payload.signInId) : undefined;
      if (!signIn) return { gone: 'sign-in request gone' };
      if (!payload.link) return { gone: 'link already sent' };
      const t = signIn.locale.startsWith('fr') ? COPY.fr : COPY.en;
      return { to: signIn.email, subject: t.subject, text: t.body(payload.link) };
    },
  },
};
