/** Every sentence of the status module a person reads, French (reference) and English. */

/** The text for `locale` (`en-GB` → `en`), else French, else English, else any. */
export function pick(texts: Record<string, string> | undefined, locale: string): string {
  if (!texts) return '';
  const base = locale.slice(0, 2);
  return texts[locale] ?? texts[base] ?? texts.fr ?? texts.en ?? Object.values(texts)[0] ?? '';
}

/** Whether a per-locale text exists for `locale` (an incident "concerns" the locales it is written in). */
export const hasLocale = (texts: Record<string, string>, locale: string) =>
  Boolean(texts[locale]?.trim() || texts[locale.slice(0, 2)]?.trim());

const lang = (locale: string) => (locale.startsWith('fr') ? 'fr' : 'en');

export const STATUS_COPY = {
  fr: {
    title: 'État des services',
    description: 'État en temps réel des services, incidents en cours et maintenances prévues.',
    overall: {
      none: 'Tous les services fonctionnent normalement',
      minor: 'Perturbation mineure',
      major: 'Panne partielle',
      critical: 'Panne majeure',
      maintenance: 'Maintenance en cours',
    },
    impact: {
      operational: 'Opérationnel',
      degraded_performance: 'Performances dégradées',
      partial_outage: 'Panne partielle',
      major_outage: 'Panne majeure',
      under_maintenance: 'En maintenance',
    },
    status: {
      investigating: 'Analyse en cours',
      identified: 'Cause identifiée',
      monitoring: 'Sous surveillance',
      resolved: 'Résolu',
      scheduled: 'Planifiée',
      in_progress: 'En cours',
      completed: 'Terminée',
    },
    components: 'Services',
    activeIncidents: 'Incidents en cours',
    maintenance: 'Maintenances',
    history: 'Historique',
    historyTitle: 'Historique des incidents',
    noHistory: 'Aucun incident sur cette période.',
    viewHistory: 'Voir l’historique des incidents',
    barsLabel: (name: string, n: number, bad: number) =>
      `${name}, ${n} derniers jours : ${bad === 0 ? 'aucune perturbation' : `${bad} jour${bad > 1 ? 's' : ''} perturbé${bad > 1 ? 's' : ''}`}`,
    dayLabel: (date: string, impact: string) => `${date} : ${impact}`,
    ago: 'Il y a 90 jours',
    today: 'Aujourd’hui',
    updates: 'Mises à jour',
    affected: 'Services concernés',
    postmortem: 'Retour sur l’incident',
    window: (from: string, to: string) => `Du ${from} au ${to}`,
    subscribe: 'S’abonner aux mises à jour',
    subscribeHelp: 'Recevez un e-mail à chaque incident et mise à jour. Désinscription en un clic.',
    email: 'Adresse e-mail',
    subscribeButton: 'S’abonner',
    subscribeWhich: 'Services suivis (aucun coché : tous)',
    subscribed:
      'Si cette adresse n’est pas déjà abonnée, un e-mail de confirmation vient d’être envoyé : cliquez sur le lien qu’il contient.',
    feeds: 'Flux RSS et Atom',
    confirmTitle: 'Confirmer l’abonnement',
    confirmBody: 'Confirmez pour recevoir les mises à jour de l’état des services.',
    confirmButton: 'Confirmer',
    confirmed: 'Votre abonnement est confirmé. Merci !',
    unsubscribeTitle: 'Se désabonner',
    unsubscribeBody: 'Vous ne recevrez plus les mises à jour de l’état des services.',
    unsubscribeButton: 'Se désabonner',
    unsubscribed: 'Vous êtes désabonné.',
    invalidLink: 'Ce lien n’est pas valide ou a déjà été utilisé.',
    banner: 'Incident en cours',
    bannerMaintenance: 'Maintenance en cours',
    bannerLink: 'Suivre l’incident',
    statusLink: 'État des services',
    notice: (title: string) => `Incident en cours : ${title}. Nos équipes sont mobilisées.`,
    noticeFollow: 'Suivre son évolution',
    mailConfirmSubject: (site: string) => `${site} — confirmez votre abonnement à l’état des services`,
    mailConfirm: (link: string) =>
      `Bonjour,\n\nPour recevoir les mises à jour de l’état des services, confirmez votre abonnement :\n${link}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message.`,
    mailUpdateSubject: (site: string, title: string, status: string) => `[${site}] ${title} — ${status}`,
    mailUpdate: (title: string, status: string, text: string, link: string, unsubscribe: string) =>
      `${title}\n${status}\n\n${text}\n\nSuivre l’incident : ${link}\n\n—\nSe désabonner : ${unsubscribe}`,
    resolvedReply: (title: string, link: string) =>
      `Bonjour,\n\nL’incident « ${title} » qui concernait votre demande est résolu. Si le problème persiste, répondez simplement à ce message.\n\nDétails : ${link}`,
  },
  en: {
    title: 'Service status',
    description: 'Live status of our services, ongoing incidents and planned maintenance.',
    overall: {
      none: 'All systems operational',
      minor: 'Minor service disruption',
      major: 'Partial system outage',
      critical: 'Major system outage',
      maintenance: 'Service under maintenance',
    },
    impact: {
      operational: 'Operational',
      degraded_performance: 'Degraded performance',
      partial_outage: 'Partial outage',
      major_outage: 'Major outage',
      under_maintenance: 'Under maintenance',
    },
    status: {
      investigating: 'Investigating',
      identified: 'Identified',
      monitoring: 'Monitoring',
      resolved: 'Resolved',
      scheduled: 'Scheduled',
      in_progress: 'In progress',
      completed: 'Completed',
    },
    components: 'Services',
    activeIncidents: 'Ongoing incidents',
    maintenance: 'Maintenance',
    history: 'History',
    historyTitle: 'Incident history',
    noHistory: 'No incident in this period.',
    viewHistory: 'View incident history',
    barsLabel: (name: string, n: number, bad: number) =>
      `${name}, last ${n} days: ${bad === 0 ? 'no disruption' : `${bad} day${bad > 1 ? 's' : ''} with a disruption`}`,
    dayLabel: (date: string, impact: string) => `${date}: ${impact}`,
    ago: '90 days ago',
    today: 'Today',
    updates: 'Updates',
    affected: 'Affected services',
    postmortem: 'Post-incident review',
    window: (from: string, to: string) => `From ${from} to ${to}`,
    subscribe: 'Subscribe to updates',
    subscribeHelp: 'Get an e-mail for every incident and update. Unsubscribe in one click.',
    email: 'E-mail address',
    subscribeButton: 'Subscribe',
    subscribeWhich: 'Services to follow (none ticked: all)',
    subscribed:
      'Unless this address is already subscribed, a confirmation e-mail is on its way: click the link it contains.',
    feeds: 'RSS and Atom feeds',
    confirmTitle: 'Confirm your subscription',
    confirmBody: 'Confirm to receive service status updates.',
    confirmButton: 'Confirm',
    confirmed: 'Your subscription is confirmed. Thank you!',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeBody: 'You will no longer receive service status updates.',
    unsubscribeButton: 'Unsubscribe',
    unsubscribed: 'You are unsubscribed.',
    invalidLink: 'This link is not valid or was already used.',
    banner: 'Ongoing incident',
    bannerMaintenance: 'Maintenance in progress',
    bannerLink: 'Follow the incident',
    statusLink: 'Service status',
    notice: (title: string) => `Ongoing incident: ${title}. Our teams are on it.`,
    noticeFollow: 'Follow updates',
    mailConfirmSubject: (site: string) => `${site} — confirm your service status subscription`,
    mailConfirm: (link: string) =>
      `Hello,\n\nTo receive service status updates, confirm your subscription:\n${link}\n\nIf you did not ask for this, ignore this message.`,
    mailUpdateSubject: (site: string, title: string, status: string) => `[${site}] ${title} — ${status}`,
    mailUpdate: (title: string, status: string, text: string, link: string, unsubscribe: string) =>
      `${title}\n${status}\n\n${text}\n\nFollow the incident: ${link}\n\n—\nUnsubscribe: ${unsubscribe}`,
    resolvedReply: (title: string, link: string) =>
      `Hello,\n\nThe incident “${title}” that affected your request is resolved. If the problem persists, just reply to this message.\n\nDetails: ${link}`,
  },
};

export type StatusCopy = (typeof STATUS_COPY)['en'];

export const statusCopy = (locale: string): StatusCopy => STATUS_COPY[lang(locale)];

export const resolvedReply = (locale: string, title: string, link: string) =>
  statusCopy(locale).resolvedReply(title, link);
