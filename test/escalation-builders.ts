import type { EngineDocument } from '../src/engine/types.ts';
import type { EscalationRequest } from '../src/modules/escalation/contract.ts';
import type { SearchSource } from '../src/modules/search/plugin.ts';

/** A customer who searched, read two articles, talked to the bot, then asked for a human. */
export function buildEscalation(overrides: Partial<EscalationRequest> = {}): EscalationRequest {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 12, 9, 0, s)).toISOString();
  return {
    channel: 'form',
    subject: 'Ma box ne se connecte plus',
    description: 'Depuis ce matin le voyant de ma box clignote rouge et je n’ai plus internet.',
    reason: 'technical',
    context: {
      locale: 'fr',
      source: 'helpcentre',
      pageUrl: 'https://aide.nuvia.test/fr/internet/box-voyant-rouge',
      device: 'Firefox 128 on Linux (desktop)',
      visitorId: 'v-123',
      sessionId: 's-456',
      searches: [
        { at: t(1), query: 'box voyant rouge', topAnswerId: 'box-red-light' },
        { at: t(40), query: 'internet coupé depuis ce matin', abstained: true },
      ],
      articlesViewed: [{ at: t(10), articleId: 'box-red-light', helpful: false }],
      transcript: [
        { at: t(50), from: 'customer', text: 'toujours pas d’internet' },
        {
          at: t(51),
          from: 'bot',
          text: 'Avez-vous redémarré votre box ?',
          answers: [{ id: 'box-restart', confidence: 0.71 }],
        },
        { at: t(55), from: 'customer', text: 'oui, je veux parler à quelqu’un' },
      ],
      flowPath: [{ flowId: 'box-diagnostic', nodeId: 'restart', answer: 'Déjà fait' }],
      selfServiceMs: 95_000,
      customer: { email: 'Jeanne.Martin@exemple.fr', name: 'Jeanne Martin', phone: '06 12 34 56 78' },
    },
    ...overrides,
  };
}

/** A tiny knowledge base for the matching engine, as kb's feed would provide it. */
export function listSearchSource(docs: EngineDocument[]): SearchSource {
  return {
    async load(ids?: string[]) {
      return ids ? docs.filter((d) => ids.includes(d.id)) : docs;
    },
    async cards(ids: string[]) {
      return docs
        .filter((d) => ids.includes(d.id))
        .map((d) => ({
          id: d.id,
          locale: d.locale,
          title: d.title,
          shortAnswer: d.shortAnswer ?? '',
          url: `/${d.locale}/articles/${d.id}`,
        }));
    },
  };
}

export const KB_DOCS: EngineDocument[] = [
  {
    id: 'box-red-light',
    locale: 'fr',
    title: 'Le voyant de ma box est rouge',
    shortAnswer: 'Un voyant rouge indique une coupure de la ligne : redémarrez la box.',
    formulations: ['voyant rouge box', 'ma box clignote rouge', 'plus internet voyant rouge'],
    visibility: 'public',
  },
  {
    id: 'invoice-download',
    locale: 'fr',
    title: 'Télécharger ma facture',
    shortAnswer: 'Vos factures sont dans votre espace client, rubrique Factures.',
    formulations: ['où trouver ma facture', 'télécharger facture', 'facture du mois'],
    visibility: 'public',
  },
  {
    id: 'agent-line-reset',
    locale: 'fr',
    title: 'Procédure agent : réinitialiser la ligne à distance',
    shortAnswer: 'Depuis l’outil ligne, lancer une resynchronisation DSLAM.',
    formulations: ['box voyant rouge réinitialiser ligne', 'resynchroniser la ligne client'],
    visibility: 'internal',
  },
];
