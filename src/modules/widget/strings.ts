/**
 * Every string the widget shows, per locale. Sites override any of them (`PATCH /api/v1/widget/sites/:key`
 * with `strings: { fr: { greeting: '…' } }`); the config endpoint sends the merged set, so the browser
 * bundle carries no copy of its own. `{n}` is replaced by a number.
 */
export const STRING_KEYS = [
  'launcher',
  'title',
  'greeting',
  'searchLabel',
  'searchPlaceholder',
  'close',
  'back',
  'results',
  'noResults',
  'searching',
  'suggested',
  'answer',
  'readArticle',
  'openInHelpCentre',
  'contactTitle',
  'contactText',
  'contactLink',
  'nudgeOpen',
  'nudgeDismiss',
  'error',
] as const;
export type StringKey = (typeof STRING_KEYS)[number];
export type WidgetStrings = Record<StringKey, string>;

export const DEFAULT_STRINGS: Record<'fr' | 'en', WidgetStrings> = {
  fr: {
    launcher: "Besoin d'aide ?",
    title: 'Aide',
    greeting: 'Bonjour ! Posez votre question, nous cherchons la réponse avec vous.',
    searchLabel: 'Votre question',
    searchPlaceholder: 'Ex. : télécharger ma facture',
    close: "Fermer l'aide",
    back: 'Retour',
    results: '{n} résultat(s)',
    noResults: 'Aucune réponse sûre. Reformulez, ou contactez-nous : nous reprendrons là où vous en êtes.',
    searching: 'Recherche…',
    suggested: 'Suggestions pour cette page',
    answer: 'Réponse',
    readArticle: "Lire l'article",
    openInHelpCentre: "Ouvrir dans le centre d'aide",
    contactTitle: 'Toujours bloqué ?',
    contactText: 'Un conseiller peut vous aider, sans tout réexpliquer.',
    contactLink: 'Contacter le service client',
    nudgeOpen: 'Voir les réponses',
    nudgeDismiss: 'Masquer la suggestion',
    error: 'Un problème est survenu. Réessayez dans un instant.',
  },
  en: {
    launcher: 'Need help?',
    title: 'Help',
    greeting: 'Hello! Ask your question and we will find the answer together.',
    searchLabel: 'Your question',
    searchPlaceholder: 'E.g. download my invoice',
    close: 'Close help',
    back: 'Back',
    results: '{n} result(s)',
    noResults: "No confident answer. Try other words, or contact us: we'll pick up where you left off.",
    searching: 'Searching…',
    suggested: 'Suggested for this page',
    answer: 'Answer',
    readArticle: 'Read the article',
    openInHelpCentre: 'Open in the help centre',
    contactTitle: 'Still stuck?',
    contactText: 'An agent can help, without you repeating anything.',
    contactLink: 'Contact customer service',
    nudgeOpen: 'See answers',
    nudgeDismiss: 'Dismiss suggestion',
    error: 'Something went wrong. Please try again in a moment.',
  },
};

/** Defaults for `locale` (English for a locale without its own), then the site's overrides. */
export function stringsFor(locale: string, overrides: Record<string, Record<string, string>>): WidgetStrings {
  const base = DEFAULT_STRINGS[locale as 'fr' | 'en'] ?? DEFAULT_STRINGS.en;
  const own = overrides[locale] ?? {};
  const picked = Object.fromEntries(
    Object.entries(own).filter(([k, v]) => (STRING_KEYS as readonly string[]).includes(k) && v),
  );
  return { ...base, ...picked };
}
