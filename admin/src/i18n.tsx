import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

/** French first: the reference dictionary; every other language must translate every key. */
const fr = {
  'app.name': 'Relais — console',
  'app.skip': 'Aller au contenu',
  'lang.label': 'Langue',
  'nav.main': 'Navigation principale',
  'nav.home': 'Accueil',
  'nav.content': 'Contenu',
  'nav.analytics': 'Statistiques',
  'nav.users': 'Équipe',
  'nav.apiKeys': 'Clés d’API',
  'nav.audit': 'Journal d’audit',
  'nav.settings': 'Réglages',
  'nav.signOut': 'Se déconnecter',
  'nav.signedInAs': 'Connecté·e : {name} ({role})',
  'common.loading': 'Chargement…',
  'common.save': 'Enregistrer',
  'common.cancel': 'Annuler',
  'common.close': 'Fermer',
  'common.copy': 'Copier',
  'common.copied': 'Copié',
  'common.error': 'Une erreur est survenue : {detail}',
  'common.required': 'Champ obligatoire.',
  'common.never': 'jamais',
  'common.yes': 'oui',
  'common.no': 'non',
  'common.actions': 'Actions',
  'common.unsaved': 'Des modifications ne sont pas enregistrées. Quitter quand même ?',
  'role.admin': 'Administrateur·rice',
  'role.editor': 'Rédacteur·rice',
  'role.agent': 'Conseiller·ère',
  'role.analyst': 'Analyste',
  'signIn.title': 'Connexion à la console',
  'signIn.email': 'Adresse e-mail',
  'signIn.password': 'Mot de passe',
  'signIn.submit': 'Se connecter',
  'signIn.failed': 'E-mail ou mot de passe incorrect.',
  'signIn.rateLimited': 'Trop de tentatives : réessayez dans une minute.',
  'setup.title': 'Créer le premier compte administrateur',
  'setup.name': 'Nom',
  'setup.submit': 'Créer le compte',
  'setup.done': 'Compte créé. Vous pouvez vous connecter.',
  'setup.noToken':
    'Ce lien ne contient pas de jeton : utilisez le lien affiché par le serveur au premier démarrage.',
  'password.hint': 'Au moins 12 caractères.',
  'invite.title': 'Activer votre compte',
  'invite.submit': 'Choisir ce mot de passe',
  'invite.done': 'Mot de passe enregistré. Vous pouvez vous connecter.',
  'invite.noToken': 'Ce lien d’invitation est incomplet.',
  'home.title': 'Bonjour {name}',
  'home.intro': 'Choisissez une rubrique dans le menu.',
  'forbidden.title': 'Accès refusé',
  'forbidden.text': 'Votre rôle ne permet pas d’ouvrir cette page.',
  'notFound.title': 'Page introuvable',
  'analytics.title': 'Statistiques',
  'analytics.soon': 'Les statistiques arrivent bientôt.',
  'users.title': 'Équipe',
  'users.invite': 'Inviter un membre',
  'users.name': 'Nom',
  'users.email': 'E-mail',
  'users.role': 'Rôle',
  'users.status': 'Statut',
  'users.lastLogin': 'Dernière connexion',
  'users.active': 'Actif',
  'users.inactive': 'Désactivé',
  'users.deactivate': 'Désactiver',
  'users.reactivate': 'Réactiver',
  'users.roleOf': 'Rôle de {name}',
  'users.inviteSubmit': 'Envoyer l’invitation',
  'users.inviteLink': 'Lien d’invitation à transmettre à {name} (affiché une seule fois, valable 7 jours) :',
  'users.list': 'Membres de l’équipe',
  'keys.title': 'Clés d’API',
  'keys.create': 'Créer une clé',
  'keys.name': 'Nom de la clé',
  'keys.scopes': 'Autorisations',
  'keys.prefix': 'Préfixe',
  'keys.created': 'Créée le',
  'keys.lastUsed': 'Dernière utilisation',
  'keys.revoke': 'Révoquer',
  'keys.revoked': 'Révoquée',
  'keys.revokeConfirm': 'Révoquer la clé « {name} » ? Les appels qui l’utilisent échoueront.',
  'keys.secret': 'Voici la clé secrète. Copiez-la maintenant : elle ne sera plus jamais affichée.',
  'keys.list': 'Clés existantes',
  'keys.none': 'Aucune clé pour l’instant.',
  'audit.title': 'Journal d’audit',
  'audit.at': 'Date',
  'audit.actor': 'Auteur',
  'audit.action': 'Action',
  'audit.subject': 'Objet',
  'audit.details': 'Détails',
  'audit.more': 'Entrées plus anciennes',
  'audit.end': 'Début du journal atteint.',
  'audit.filterAction': 'Filtrer par action',
  'audit.system': 'système',
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  'app.name': 'Relais — console',
  'app.skip': 'Skip to content',
  'lang.label': 'Language',
  'nav.main': 'Main navigation',
  'nav.home': 'Home',
  'nav.content': 'Content',
  'nav.analytics': 'Analytics',
  'nav.users': 'Team',
  'nav.apiKeys': 'API keys',
  'nav.audit': 'Audit log',
  'nav.settings': 'Settings',
  'nav.signOut': 'Sign out',
  'nav.signedInAs': 'Signed in: {name} ({role})',
  'common.loading': 'Loading…',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.close': 'Close',
  'common.copy': 'Copy',
  'common.copied': 'Copied',
  'common.error': 'Something went wrong: {detail}',
  'common.required': 'Required.',
  'common.never': 'never',
  'common.yes': 'yes',
  'common.no': 'no',
  'common.actions': 'Actions',
  'common.unsaved': 'You have unsaved changes. Leave anyway?',
  'role.admin': 'Admin',
  'role.editor': 'Editor',
  'role.agent': 'Agent',
  'role.analyst': 'Analyst',
  'signIn.title': 'Sign in to the console',
  'signIn.email': 'E-mail address',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.failed': 'Wrong e-mail or password.',
  'signIn.rateLimited': 'Too many attempts: try again in a minute.',
  'setup.title': 'Create the first admin account',
  'setup.name': 'Name',
  'setup.submit': 'Create the account',
  'setup.done': 'Account created. You can sign in.',
  'setup.noToken': 'This link has no token: use the link the server printed on first start.',
  'password.hint': 'At least 12 characters.',
  'invite.title': 'Activate your account',
  'invite.submit': 'Set this password',
  'invite.done': 'Password saved. You can sign in.',
  'invite.noToken': 'This invitation link is incomplete.',
  'home.title': 'Hello {name}',
  'home.intro': 'Pick a section in the menu.',
  'forbidden.title': 'Access denied',
  'forbidden.text': 'Your role does not allow this page.',
  'notFound.title': 'Page not found',
  'analytics.title': 'Analytics',
  'analytics.soon': 'Analytics are coming soon.',
  'users.title': 'Team',
  'users.invite': 'Invite a member',
  'users.name': 'Name',
  'users.email': 'E-mail',
  'users.role': 'Role',
  'users.status': 'Status',
  'users.lastLogin': 'Last sign-in',
  'users.active': 'Active',
  'users.inactive': 'Deactivated',
  'users.deactivate': 'Deactivate',
  'users.reactivate': 'Reactivate',
  'users.roleOf': 'Role of {name}',
  'users.inviteSubmit': 'Send the invitation',
  'users.inviteLink': 'Invitation link to give {name} (shown once, valid 7 days):',
  'users.list': 'Team members',
  'keys.title': 'API keys',
  'keys.create': 'Create a key',
  'keys.name': 'Key name',
  'keys.scopes': 'Permissions',
  'keys.prefix': 'Prefix',
  'keys.created': 'Created',
  'keys.lastUsed': 'Last used',
  'keys.revoke': 'Revoke',
  'keys.revoked': 'Revoked',
  'keys.revokeConfirm': 'Revoke the key “{name}”? Calls using it will fail.',
  'keys.secret': 'Here is the secret key. Copy it now: it will never be shown again.',
  'keys.list': 'Existing keys',
  'keys.none': 'No key yet.',
  'audit.title': 'Audit log',
  'audit.at': 'Date',
  'audit.actor': 'Actor',
  'audit.action': 'Action',
  'audit.subject': 'Subject',
  'audit.details': 'Details',
  'audit.more': 'Older entries',
  'audit.end': 'Start of the log reached.',
  'audit.filterAction': 'Filter by action',
  'audit.system': 'system',
};

export const LANGUAGES = { fr: 'Français', en: 'English' } as const;
export type Lang = keyof typeof LANGUAGES;
const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { fr, en };
const STORAGE_KEY = 'relais.admin.lang';

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'fr' || saved === 'en') return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.slice(0, 2).toLowerCase();
    if (base === 'fr' || base === 'en') return base;
  }
  return 'fr';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: Translate;
  formatDate: (iso: string | null | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const dict = DICTIONARIES[lang];
    const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    return {
      lang,
      setLang,
      t: (key, vars) =>
        dict[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`)),
      formatDate: (iso) => (iso ? dateFormat.format(new Date(iso)) : ''),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
