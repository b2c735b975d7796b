import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { frenchTypography } from '../shared/typography.ts';

export { frenchTypography };

/**
 * The language of the problems Relais answers: French or English, the two languages of every screen.
 * A problem's `detail` and its `errors[].message` are written in it; `code` and `field` never change.
 */
export type ProblemLanguage = 'fr' | 'en';

/**
 * A help-centre page's locale prefix (`/fr/contact`), else the client's `Accept-Language` (the console
 * and the widget send the language the person reads), weighed by `q`; English when neither says.
 */
export function problemLanguage(req: FastifyRequest): ProblemLanguage {
  const prefix = /^\/(fr|en)(?:[-/?]|$)/i.exec(req.url)?.[1];
  if (prefix) return prefix.toLowerCase() as ProblemLanguage;
  const header = req.headers['accept-language'];
  if (typeof header !== 'string' || header.length > 500) return 'en';
  let best: ProblemLanguage = 'en';
  let bestQ = 0;
  for (const part of header.split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().split(';');
    const lang = tag.trim().slice(0, 2).toLowerCase();
    if (lang !== 'fr' && lang !== 'en') continue;
    const q = Number(
      params
        .find((p) => p.trim().startsWith('q='))
        ?.trim()
        .slice(2) ?? 1,
    );
    if (Number.isFinite(q) && q > bestQ) {
      best = lang;
      bestQ = q;
    }
  }
  return best;
}

/** Where in the request a problem lies, as French problems name it. */
export const PART_NAMES_FR = {
  body: 'corps',
  querystring: 'paramètres',
  params: 'chemin',
  headers: 'en-têtes',
} as const;

const ZOD_FR = z.locales.fr().localeError;
const ZOD_EN = z.locales.en().localeError;

/** A zod issue as fastify-type-provider-zod reports it (code in `keyword`, the rest in `params`). */
export interface ReportedIssue {
  keyword: string;
  message?: string | undefined;
  params?: Record<string, unknown> | undefined;
}

/** One validation issue in the reader's language; a schema's own message (`custom`) is translated too. */
export function issueMessage(issue: ReportedIssue, lang: ProblemLanguage): string {
  const params = issue.params ?? {};
  if (issue.keyword === 'invalid_type' && /received undefined$/.test(issue.message ?? '')) {
    return lang === 'fr' ? 'Champ obligatoire.' : 'Required.';
  }
  if (issue.keyword === 'custom') return translateDetail(issue.message ?? 'Invalid input.', lang);
  const zodIssue = { code: issue.keyword, path: [], message: issue.message ?? '', ...params };
  const rendered = (lang === 'fr' ? ZOD_FR : ZOD_EN)(zodIssue as never);
  const text = typeof rendered === 'string' ? rendered : (rendered?.message ?? issue.message ?? '');
  const readable = text.replace(/>=/g, '≥ ').replace(/<=/g, '≤ ').replace(/ {2,}/g, ' ');
  return lang === 'fr' ? frenchTypography(readable) : readable;
}

/**
 * The details services write (English, in code) and their French. `{n}` stands for a value carried
 * over as is (a slug, a number, a permission). Kept in one place so that no French screen shows an
 * English sentence; `problem-language.test.ts` checks every detail thrown under `src/` is listed.
 */
const FRENCH: Array<[english: string, french: string]> = [
  // Generic
  ['Authentication required.', 'Connexion requise.'],
  ['You are not allowed to do this.', 'Vous n’avez pas le droit de faire cela.'],
  ['The request body is not valid JSON.', 'Le corps de la requête n’est pas du JSON valide.'],
  ['The request body is too large.', 'Le corps de la requête est trop volumineux.'],
  ['Too many requests: try again later.', 'Trop de requêtes : réessayez dans un instant.'],
  ['Too many attempts: try again in {0} s.', 'Trop de tentatives : réessayez dans {0}\u00a0s.'],
  [
    'Internal error. Quote request id {0} to support.',
    'Erreur interne. Indiquez la référence {0} au support.',
  ],
  ['No route {0} {1}.', 'Aucune route {0} {1}.'],
  ['Invalid input.', 'Valeur invalide.'],
  ['Nothing to change.', 'Rien à modifier.'],
  ['Redirect target too long.', 'Adresse de redirection trop longue.'],
  ['URL refused: {0}', 'Adresse refusée : {0}'],
  ['Search is not available.', 'La recherche n’est pas disponible.'],
  // Access
  ['Wrong e-mail or password.', 'E-mail ou mot de passe incorrect.'],
  ['Invalid or revoked API key.', 'Clé d’API invalide ou révoquée.'],
  ['Identity signature is invalid or expired.', 'La signature d’identité est invalide ou expirée.'],
  ['Missing or wrong csrf parameter.', 'Paramètre csrf absent ou incorrect.'],
  ['Missing or wrong {0} header.', 'En-tête {0} absent ou incorrect.'],
  ['Send the {0} header.', 'Envoyez l’en-tête {0}.'],
  ['This requires the {0} permission.', 'Cette action demande la permission {0}.'],
  ['This requires the {0} or {1} permission.', 'Cette action demande la permission {0} ou {1}.'],
  ['You may not {0} this.', 'Vous n’avez pas le droit de faire cela ({0}).'],
  ['This origin may not use this widget site.', 'Cette origine ne peut pas utiliser ce site de widget.'],
  ['This origin may not open an agent socket.', 'Cette origine ne peut pas ouvrir de connexion conseiller.'],
  // Staff sign-in: two-factor and sessions
  [
    'Give the code from your app or a recovery code.',
    'Saisissez le code de votre application ou un code de secours.',
  ],
  [
    'No sign-in in progress: enter your e-mail and password.',
    'Aucune connexion en cours : saisissez votre e-mail et votre mot de passe.',
  ],
  ['Give your password or a code.', 'Saisissez votre mot de passe ou un code.'],
  ['This is for signed-in staff members.', 'Réservé aux membres de l’équipe connectés.'],
  ['Wrong code.', 'Code incorrect.'],
  ['Wrong password.', 'Mot de passe incorrect.'],
  ['Two-factor authentication is already on.', 'La double authentification est déjà activée.'],
  ['Two-factor authentication is off.', 'La double authentification est désactivée.'],
  [
    'Two-factor authentication is required for your role.',
    'La double authentification est obligatoire pour votre rôle.',
  ],
  ['Start the set-up first.', 'Commencez d’abord la configuration.'],
  ['Set up two-factor authentication first.', 'Configurez d’abord la double authentification.'],
  // Customer accounts
  ['Customer not found.', 'Client introuvable.'],
  ['A customer cannot be merged into itself.', 'Un client ne peut pas être fusionné avec lui-même.'],
  ['Only a solved or closed request can be rated.', 'Seule une demande résolue ou close peut être notée.'],
  // Customer single sign-on (OIDC)
  [
    'Single sign-on needs the issuer URL.',
    'L’authentification unique nécessite l’URL de l’émetteur (issuer).',
  ],
  ['Single sign-on needs the client id.', 'L’authentification unique nécessite l’identifiant client.'],
  ['Single sign-on needs the client secret.', 'L’authentification unique nécessite le secret client.'],
  // Callbacks
  ['Choose one of the proposed time slots.', 'Choisissez l’un des créneaux proposés.'],
  ['Callback request not found.', 'Demande de rappel introuvable.'],
  [
    'Enter a phone number, e.g. +33 6 12 34 56 78.',
    'Saisissez un numéro de téléphone, par ex. +33 6 12 34 56 78.',
  ],
  // Status page
  ['Subscription not found.', 'Abonnement introuvable.'],
  ['Subscriber not found.', 'Abonné introuvable.'],
  ['Incident not found.', 'Incident introuvable.'],
  ['Component not found.', 'Composant introuvable.'],
  ['Component group not found.', 'Groupe de composants introuvable.'],
  ['Link not found.', 'Lien introuvable.'],
  ['A {0} is {1}; not {2}.', 'Un {0} est {1}, pas {2}.'],
  ['A component is listed twice.', 'Un composant figure deux fois.'],
  ['Unknown component.', 'Composant inconnu.'],
  ['A maintenance needs its window.', 'Une maintenance a besoin de sa plage horaire.'],
  ['The window ends before it starts.', 'La plage se termine avant de commencer.'],
  ['This {0} is already {1}.', 'Cet élément ({0}) est déjà à l’état {1}.'],
  // Not found
  ['Article not found.', 'Article introuvable.'],
  ['Category not found.', 'Catégorie introuvable.'],
  ['Section not found.', 'Section introuvable.'],
  ['Version not found.', 'Version introuvable.'],
  ['Version {0} not found.', 'Version {0} introuvable.'],
  ['Ticket not found.', 'Demande introuvable.'],
  ['Chat not found.', 'Discussion introuvable.'],
  ['Conversation not found.', 'Conversation introuvable.'],
  ['Flow not found.', 'Parcours introuvable.'],
  ['Connection not found.', 'Connexion introuvable.'],
  ['Connector not found.', 'Connecteur introuvable.'],
  ['Delivery not found.', 'Envoi introuvable.'],
  ['Page not found.', 'Page introuvable.'],
  ['Session not found.', 'Session introuvable.'],
  ['User not found.', 'Utilisateur introuvable.'],
  ['Widget site not found.', 'Site de widget introuvable.'],
  ['Active API key not found.', 'Clé d’API active introuvable.'],
  ['Resource not found.', 'Ressource introuvable.'],
  [
    'Widget bundle (run `npm run build:widget`) not found.',
    'Script du widget introuvable (lancez `npm run build:widget`).',
  ],
  // Customers: contact, tickets, chat, bot
  ['Enter a valid e-mail address.', 'Saisissez une adresse e-mail valide.'],
  ['Enter a phone number.', 'Saisissez un numéro de téléphone.'],
  ['Write a message.', 'Écrivez un message.'],
  ['At most {0} characters.', '{0} caractères au maximum.'],
  ['This chat is over.', 'Cette discussion est terminée.'],
  ['This chat was already taken or is over.', 'Cette discussion a déjà été prise ou est terminée.'],
  ['An advisor is in this chat.', 'Un conseiller est déjà dans cette discussion.'],
  ['Only an active chat can be transferred.', 'Seule une discussion en cours peut être transférée.'],
  ['Choose another active agent.', 'Choisissez un autre conseiller actif.'],
  ['Accept this chat before writing in it.', 'Acceptez cette discussion avant d’y écrire.'],
  ['Only a signed-in agent can take chats.', 'Seul un conseiller connecté peut prendre des discussions.'],
  ['Only the agent in this chat can end it.', 'Seul le conseiller de cette discussion peut la terminer.'],
  [
    'Only the agent in this chat can transfer it.',
    'Seul le conseiller de cette discussion peut la transférer.',
  ],
  ['This conversation was handed over to an advisor.', 'Cette conversation a été confiée à un conseiller.'],
  [
    'The conversation moved on while this message was answered: send it again.',
    'La conversation a avancé pendant la réponse : renvoyez votre message.',
  ],
  ['{0} is not one of the choices on offer.', '{0} ne fait pas partie des choix proposés.'],
  [
    'This request is closed: please start a new one from the help centre.',
    'Cette demande est close : faites-en une nouvelle depuis le centre d’aide.',
  ],
  [
    'This ticket is closed: the customer can no longer be answered on it.',
    'Cette demande est close : le client ne peut plus y recevoir de réponse.',
  ],
  ['Send JSON text frames.', 'Envoyez des trames texte JSON.'],
  ['Invalid frame.', 'Trame invalide.'],
  ['CSAT scores go from 1 to 5.', 'Les notes de satisfaction vont de 1 à 5.'],
  ['The {0} survey is turned off.', 'L’enquête {0} est désactivée.'],
  // Console: content
  ['Unknown category.', 'Catégorie inconnue.'],
  ['Unknown section.', 'Section inconnue.'],
  ['The section is not in this category.', 'Cette section n’appartient pas à cette catégorie.'],
  ['Unknown source article.', 'Article source inconnu.'],
  ['Unknown or repeated article id.', 'Identifiant d’article inconnu ou répété.'],
  [
    "A 'segment' article needs at least one segment.",
    'Un article réservé à des segments doit en avoir au moins un.',
  ],
  ['Slug {0} is already used in {1}.', 'L’adresse {0} est déjà utilisée en {1}.'],
  ['This article already has a {0} translation.', 'Cet article a déjà une traduction en {0}.'],
  ['Cannot {0} an article that is {1}.', 'Action {0} impossible sur un article à l’état {1}.'],
  ['Move or delete its articles first.', 'Déplacez ou supprimez d’abord ses articles.'],
  ['List every category exactly once.', 'Listez chaque catégorie une fois et une seule.'],
  [
    'List every section of the category exactly once.',
    'Listez chaque section de la catégorie une fois et une seule.',
  ],
  ['Unknown locale {0}.', 'Langue inconnue : {0}.'],
  [
    'Unknown locale {0}: configured locales are {1}.',
    'Langue inconnue {0} : les langues configurées sont {1}.',
  ],
  ['These queries are already formulations.', 'Ces questions sont déjà des formulations.'],
  ['A flow with key {0} already exists.', 'Un parcours a déjà la clé {0}.'],
  ['Article {0} is not a published public article.', 'L’article {0} n’est pas un article public publié.'],
  ['Two rules share the id {0}.', 'Deux règles ont le même identifiant {0}.'],
  // Console: team, settings, analytics, deliveries
  ['A staff member with this e-mail already exists.', 'Un membre de l’équipe a déjà cette adresse e-mail.'],
  ['Relais needs at least one active admin.', 'Relais a besoin d’au moins un administrateur actif.'],
  ['Invalid invitation.', 'Invitation invalide.'],
  ['Invalid or expired invitation.', 'Invitation invalide ou expirée.'],
  ['Invalid or used setup token.', 'Jeton d’installation invalide ou déjà utilisé.'],
  [
    'The assignee must be an active agent or admin.',
    'La demande doit être confiée à un conseiller ou un administrateur actif.',
  ],
  ['A widget site with this key exists.', 'Un site de widget a déjà cette clé.'],
  ['The range may not exceed 366 days.', 'La période ne peut pas dépasser 366 jours.'],
  ['{0} needs a subjectId ({1}).', '{0} demande un subjectId ({1}).'],
  ['Invalid {0} event: {1}', 'Événement {0} invalide : {1}'],
  ['Invalid settings: {0}', 'Réglages invalides : {0}'],
  [
    'The weekly digest is turned off (digestEnabled).',
    'La synthèse hebdomadaire est désactivée (digestEnabled).',
  ],
  [
    'The digest is being sent by another process.',
    'La synthèse est en cours d’envoi par un autre processus.',
  ],
  ['This delivery is {0}.', 'Cet envoi est à l’état {0}.'],
  ['from must not be after to', 'from ne peut pas être après to.'],
  // Guided flows (the flow builder shows these on the node at fault)
  ['A flow has 1 to 200 nodes.', 'Un parcours a de 1 à 200 étapes.'],
  [
    'A question has either `choices` or a free `input`, not both.',
    'Une question a soit des `choices`, soit une saisie libre `input`, pas les deux.',
  ],
  ['A `regex` input needs a valid `pattern`.', 'Une saisie `regex` demande un `pattern` valide.'],
  ['Start node {0} does not exist.', 'L’étape de départ {0} n’existe pas.'],
  [
    'Node {0} leads to {1}, which does not exist (dead end).',
    'L’étape {0} mène à {1}, qui n’existe pas (impasse).',
  ],
  ['Node {0} cannot be reached from the start.', 'L’étape {0} est inaccessible depuis le départ.'],
  [
    'From node {0} no end or escalation can be reached (cycle without exit).',
    'Depuis l’étape {0}, aucune fin ni escalade n’est accessible (boucle sans issue).',
  ],
  ['{0} (+{1} more: {2})', '{0} (+{1} autres : {2})'],
  // Contact form
  [
    'Enter your e-mail address so we can answer you.',
    'Saisissez votre adresse e-mail pour que nous puissions vous répondre.',
  ],
  ['Enter the number to call back.', 'Saisissez le numéro à rappeler.'],
  // Self-service actions (issue 18)
  ['A choice input lists its choices.', 'Une saisie à choix énumère ses choix.'],
  ['Input {0} is defined twice.', 'La saisie {0} est définie deux fois.'],
  ['{0} is not available here.', '{0} n’est pas disponible ici.'],
  ['No flow connection named {0}.', 'Aucune connexion de parcours ne s’appelle {0}.'],
  ['An action with key {0} already exists.', 'Une action de clé {0} existe déjà.'],
  ['Action not found.', 'Action introuvable.'],
  [
    'Self-service actions need a verified customer identity.',
    'Les actions en libre-service demandent une identité client vérifiée.',
  ],
  ['Unknown input {0}.', 'Saisie inconnue : {0}.'],
  ['{0} is too long or not text.', '{0} est trop long ou n’est pas du texte.'],
  ['{0} is not a valid {1}.', '{0} n’est pas une valeur valide ({1}).'],
  [
    'This action was run too often: try again later.',
    'Cette action a été lancée trop souvent : réessayez plus tard.',
  ],
  ['{0} is required.', '{0} est obligatoire.'],
  // Live chat from the help centre, portal ratings
  ['Live chat from the help centre only.', 'Discussion en direct depuis le centre d’aide uniquement.'],
  ['This request has already been rated.', 'Cette demande a déjà été notée.'],
  ['Rate a chat once it has ended.', 'Notez la discussion une fois qu’elle est terminée.'],
];

const COMPILED = FRENCH.map(([english, french]) => {
  const pattern = english
    .split(/\{\d\}/)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('(.+?)');
  const order = [...english.matchAll(/\{(\d)\}/g)].map((m) => Number(m[1]));
  return { re: new RegExp(`^${pattern}$`, 's'), french, order };
});

/** A service's detail in the reader's language (unchanged in English, or when no translation is known). */
export function translateDetail(detail: string, lang: ProblemLanguage, depth = 0): string {
  if (lang === 'en' || depth > 1) return detail;
  for (const { re, french, order } of COMPILED) {
    const m = re.exec(detail);
    if (!m) continue;
    // A quoted value ('premium') reads « premium » in French; a value that is itself a detail is translated.
    const value = (v: string) => translateDetail(v, lang, depth + 1).replace(/^'(.*)'$/s, '« $1 »');
    const values = new Map(order.map((n, i) => [n, value(m[i + 1] ?? '')]));
    return frenchTypography(french.replace(/\{(\d)\}/g, (_, n: string) => values.get(Number(n)) ?? ''));
  }
  return detail;
}

/** Whether a French translation is known for this detail (the completeness test). */
export function isTranslated(detail: string): boolean {
  return COMPILED.some(({ re }) => re.test(detail));
}
