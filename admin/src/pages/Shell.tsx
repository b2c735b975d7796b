import type { ReactNode } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import type { Permission } from '../api.ts';
import { LANGUAGES, type Lang, type MessageKey, useI18n } from '../i18n.tsx';
import { useCan, useSession, useSignOut } from '../session.tsx';
import { PageTitle, QueryError } from '../ui.tsx';
import { ChatBadge } from './Chats.tsx';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      <span>{t('lang.label')}</span>{' '}
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Navigation entries and who sees them; the server enforces the same permissions on the API. */
const NAV: Array<{ to: string; label: MessageKey; needs?: Permission; end?: boolean }> = [
  { to: '/', label: 'nav.home', end: true },
  { to: '/inbox', label: 'nav.inbox', needs: 'tickets:read' },
  { to: '/chats', label: 'nav.chats', needs: 'tickets:read' },
  { to: '/content', label: 'nav.content', needs: 'content:read' },
  { to: '/search-tuning', label: 'nav.tuning', needs: 'content:read' },
  { to: '/flows', label: 'nav.flows', needs: 'content:write' },
  { to: '/analytics', label: 'nav.analytics', needs: 'analytics:read' },
  { to: '/settings/users', label: 'nav.users', needs: 'users:manage' },
  { to: '/settings/api-keys', label: 'nav.apiKeys', needs: 'api_keys:manage' },
  { to: '/settings/audit', label: 'nav.audit', needs: 'audit:read' },
  { to: '/settings/branding', label: 'nav.branding', needs: 'settings:manage' },
  { to: '/settings/widget', label: 'nav.widget', needs: 'settings:manage' },
];

/** The signed-in frame: skip link, role-aware navigation, language, sign-out. */
export function Shell() {
  const { t } = useI18n();
  const session = useSession();
  const can = useCan();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();

  if (session.isPending) return <p className="loading">{t('common.loading')}</p>;
  if (session.error) return <QueryError error={session.error} />;
  if (!session.data) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  const { user } = session.data;

  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <header className="topbar">
        <span className="brand">Relais</span>
        <nav aria-label={t('nav.main')}>
          <ul>
            {NAV.filter((n) => !n.needs || can(n.needs)).map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={n.end ?? false}>
                  {t(n.label)}
                  {n.to === '/chats' && <ChatBadge />}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <span className="who">
            {t('nav.signedInAs', { name: user.name, role: t(`role.${user.role}`) })}
          </span>
          <LanguageSwitch />
          <button
            type="button"
            onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/sign-in') })}
          >
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <main id="main">
        <Outlet />
      </main>
    </div>
  );
}

/** Renders the page only for actors holding `needs`; others get a forbidden page, not a blank one. */
export function RequirePermission({ needs, children }: { needs: Permission; children?: ReactNode }) {
  const can = useCan();
  if (!can(needs)) return <Forbidden />;
  return children ?? <Outlet />;
}

export function Forbidden() {
  const { t } = useI18n();
  return (
    <section className="forbidden">
      <PageTitle title={t('forbidden.title')}>{t('forbidden.title')}</PageTitle>
      <p>{t('forbidden.text')}</p>
    </section>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return <PageTitle title={t('notFound.title')}>{t('notFound.title')}</PageTitle>;
}

export function Home() {
  const { t } = useI18n();
  const { data } = useSession();
  const title = t('home.title', { name: data?.user.name ?? '' });
  return (
    <section>
      <PageTitle title={title}>{title}</PageTitle>
      <p>{t('home.intro')}</p>
    </section>
  );
}
