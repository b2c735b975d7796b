/** Interface copy of the help centre. Locales without a table fall back to English. */
const STRINGS = {
  fr: {
    skip: 'Aller au contenu',
    home: 'Accueil',
    helpCentre: "Centre d'aide",
    searchLabel: 'Rechercher une réponse',
    searchPlaceholder: 'Posez votre question, par ex. « payer ma facture »',
    searchButton: 'Rechercher',
    categories: 'Thèmes',
    topQuestions: 'Questions fréquentes',
    articles: 'Articles',
    shortAnswer: 'En bref',
    related: 'Réponses liées',
    helpful: 'Cette réponse vous a-t-elle aidé ?',
    yes: 'Oui',
    no: 'Non',
    commentLabel: 'Un commentaire ? (facultatif, sans données personnelles)',
    send: 'Envoyer',
    thanks: 'Merci pour votre retour !',
    stillNeedHelp: "Besoin d'aide supplémentaire ?",
    contactUs: 'Contactez-nous',
    contactTitle: 'Contacter le service client',
    contactBody:
      'Nos conseillers vous répondent du lundi au samedi, de 8 h à 20 h. Pour aller plus vite, cherchez d’abord votre question : la plupart des réponses sont immédiates.',
    searchTitle: 'Résultats de recherche',
    resultsFor: (q: string, n: number) => `${n} résultat${n > 1 ? 's' : ''} pour « ${q} »`,
    noResults: 'Aucune réponse trouvée. Essayez d’autres mots ou contactez-nous.',
    unsure: 'Nous ne sommes pas sûrs d’avoir la bonne réponse : voici les plus proches.',
    notFoundTitle: 'Page introuvable',
    notFoundBody: 'Cette page n’existe pas ou n’est plus disponible.',
    errorTitle: 'Une erreur est survenue',
    errorBody: 'Réessayez dans un instant.',
    language: 'Langue',
    breadcrumb: "Fil d'Ariane",
    updated: 'Mis à jour le',
    mainNav: 'Navigation principale',
    markdown: 'Version Markdown',
    searchPrompt: 'Que cherchez-vous ? Posez votre question avec vos mots.',
    tipsTitle: 'Pour trouver plus vite',
    tips: [
      'Décrivez ce que vous voulez faire, par exemple « changer de forfait » ou « payer ma facture ».',
      'Vérifiez l’orthographe, ou essayez avec moins de mots.',
    ],
    browseTopics: 'Parcourir les thèmes du centre d’aide',
    askAdvisor: 'Poser la question à un conseiller',
    // Customer accounts and the portal (issue 18)
    recommended: 'Recommandé pour vous',
    account: 'Mon compte',
    // Search-as-you-type (issue 16)
    suggestLabel: 'Réponses suggérées',
    suggestCount: '{n} réponse(s) suggérée(s)\u00a0; flèches pour les parcourir, Entrée pour ouvrir',
  },
  en: {
    skip: 'Skip to content',
    home: 'Home',
    helpCentre: 'Help centre',
    searchLabel: 'Search for an answer',
    searchPlaceholder: 'Ask your question, e.g. “pay my bill”',
    searchButton: 'Search',
    categories: 'Topics',
    topQuestions: 'Top questions',
    articles: 'Articles',
    shortAnswer: 'In short',
    related: 'Related answers',
    helpful: 'Was this answer helpful?',
    yes: 'Yes',
    no: 'No',
    commentLabel: 'Any comment? (optional, no personal data)',
    send: 'Send',
    thanks: 'Thank you for your feedback!',
    stillNeedHelp: 'Still need help?',
    contactUs: 'Contact us',
    contactTitle: 'Contact customer support',
    contactBody:
      'Our advisers answer Monday to Saturday, 8 am to 8 pm. To go faster, search for your question first: most answers are instant.',
    searchTitle: 'Search results',
    resultsFor: (q: string, n: number) => `${n} result${n === 1 ? '' : 's'} for “${q}”`,
    noResults: 'No answer found. Try other words or contact us.',
    unsure: 'We are not sure we have the right answer: here are the closest ones.',
    notFoundTitle: 'Page not found',
    notFoundBody: 'This page does not exist or is no longer available.',
    errorTitle: 'Something went wrong',
    errorBody: 'Please try again in a moment.',
    language: 'Language',
    breadcrumb: 'Breadcrumb',
    updated: 'Updated',
    mainNav: 'Main navigation',
    markdown: 'Markdown version',
    searchPrompt: 'What are you looking for? Ask your question in your own words.',
    tipsTitle: 'To find it faster',
    tips: [
      'Describe what you want to do, for example “change my plan” or “pay my bill”.',
      'Check the spelling, or try fewer words.',
    ],
    browseTopics: 'Browse the help centre’s topics',
    askAdvisor: 'Ask an advisor',
    // Customer accounts and the portal (issue 18)
    recommended: 'Recommended for you',
    account: 'My account',
    // Search-as-you-type (issue 16)
    suggestLabel: 'Suggested answers',
    suggestCount: '{n} suggested answer(s); arrows to browse, Enter to open',
  },
};

export type Strings = (typeof STRINGS)['en'];

export const t = (locale: string): Strings => (STRINGS as Record<string, Strings>)[locale] ?? STRINGS.en;

/** Native names for the language switcher. */
export const LANGUAGE_NAMES: Record<string, string> = {
  fr: 'Français',
  en: 'English',
  de: 'Deutsch',
  es: 'Español',
  it: 'Italiano',
  nl: 'Nederlands',
};

/** Picks the best configured locale for an Accept-Language header (q-values honoured). */
export function negotiateLocale(header: string | undefined, locales: string[]): string {
  const fallback = locales[0] ?? 'en';
  if (!header) return fallback;
  const wanted = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((w) => w.tag && w.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const w of wanted) {
    const base = w.tag.split('-')[0]!;
    const hit = locales.find((l) => l.toLowerCase() === w.tag || l.toLowerCase() === base);
    if (hit) return hit;
  }
  return fallback;
}

export function formatDate(d: Date, locale: string) {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
}
