import type { ArticleStatus, Visibility } from '../db/schema.ts';

/** Branding of the demo help centre (the `branding` setting). */
export const DEMO_BRANDING = {
  name: 'Nuvia Assistance',
  primaryColor: '#5b21b6',
  accentColor: '#0f766e',
  logoUrl: '/assets/nuvia-logo.svg',
  // the company's assistant: its name per locale (widget header, bot greeting); no avatar in the demo,
  // so host pages whose CSP allows no image from Relais (img-src) show nothing blocked
  assistantNames: { fr: 'Nova, l’assistante Nuvia', en: 'Nova, Nuvia’s assistant' },
  assistantAvatar: null,
};

interface Localized {
  slug: string;
  title: string;
  shortAnswer: string;
  body: string;
  formulations: string[];
}

/** Work in progress, so the console's review queue is not empty on first run. Never public. */
export const DEMO_WORK_IN_PROGRESS: Array<{
  key: string;
  categoryKey: string;
  status: ArticleStatus;
  visibility: Visibility;
  tags: string[];
  fr?: Localized;
  en?: Localized;
}> = [
  {
    key: 'esim-watch',
    categoryKey: 'mobile',
    status: 'draft',
    visibility: 'public',
    tags: ['esim', 'smartwatch'],
    fr: {
      slug: 'esim-montre-connectee',
      title: 'Comment activer une eSIM sur ma montre connectée ?',
      shortAnswer:
        "L'option Multi-SIM montre sera disponible prochainement : votre montre partagera le numéro de votre forfait mobile.",
      body: '## Brouillon\n\nÀ compléter quand l’offre sera lancée : appareils compatibles, prix, étapes d’activation.',
      formulations: ['esim montre', 'activer ma montre connectée', 'apple watch cellulaire nuvia'],
    },
  },
  {
    key: 'app-3',
    categoryKey: 'account',
    status: 'in_review',
    visibility: 'public',
    tags: ['app', 'account'],
    fr: {
      slug: 'nouvelle-appli-mon-nuvia',
      title: "Quoi de neuf dans l'appli Mon Nuvia 3.0 ?",
      shortAnswer:
        "La version 3.0 de l'appli Mon Nuvia permet de suivre votre consommation en temps réel et de payer une facture en un geste.",
      body: '1. Mettez à jour l’appli depuis votre magasin d’applications.\n2. Connectez-vous avec vos identifiants habituels.\n3. Découvrez le nouvel onglet **Conso**.',
      formulations: ['nouvelle appli nuvia', 'mise à jour application mon nuvia'],
    },
    en: {
      slug: 'new-my-nuvia-app',
      title: "What's new in the My Nuvia 3.0 app?",
      shortAnswer: 'My Nuvia 3.0 shows your usage in real time and lets you pay a bill in one tap.',
      body: '1. Update the app from your app store.\n2. Sign in with your usual credentials.\n3. Open the new **Usage** tab.',
      formulations: ['new nuvia app', 'my nuvia app update'],
    },
  },
  {
    key: 'price-change-2026',
    categoryKey: 'plans',
    status: 'draft',
    visibility: 'internal',
    tags: ['pricing'],
    fr: {
      slug: 'evolution-tarifs-2026',
      title: 'Évolution des tarifs en 2026 (note interne)',
      shortAnswer:
        'Note pour les conseillers : les hausses de tarifs seront annoncées aux clients un mois à l’avance.',
      body: 'Ne pas communiquer avant l’envoi officiel du courrier aux clients.',
      formulations: ['hausse des prix 2026'],
    },
  },
];
