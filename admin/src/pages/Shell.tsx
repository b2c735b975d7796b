import {
  AppShell,
  Burger,
  Button,
  Container,
  Group,
  Kbd,
  NativeSelect,
  NavLink,
  Paper,
  ScrollArea,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Navigate, Outlet, NavLink as RouterLink, useLocation, useNavigate } from 'react-router';
import type { Permission } from '../api.ts';
import { LANGUAGES, type Lang, useI18n } from '../i18n.tsx';
import { type NavEntry, useNavGroups } from '../nav.ts';
import { useCan, useSession, useSignOut } from '../session.tsx';
import { PageTitle, QueryError } from '../ui.tsx';
import { ChatBadge } from './Chats.tsx';
import { CommandPalette, openCommandPalette } from './CommandPalette.tsx';
import { Home } from './Home.tsx';

export { Home };

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <NativeSelect
      aria-label={t('lang.label')}
      size="xs"
      value={lang}
      onChange={(e) => setLang(e.currentTarget.value as Lang)}
      data={Object.entries(LANGUAGES).map(([code, name]) => ({ value: code, label: name }))}
      classNames={{ root: 'lang-switch' }}
    />
  );
}

function isActive(pathname: string, entry: NavEntry) {
  if (entry.to === '/') return pathname === '/';
  // Articles: the list and any article (/content/:id), not the categories screen.
  if (entry.to === '/content') return /^\/content(\/(?!categories)[^/]*)?\/?$/.test(pathname);
  return pathname === entry.to || pathname.startsWith(`${entry.to}/`);
}

/** Frame of the signed-out pages (sign-in, setup, invitation): a centred card and the language switch. */
export function AuthFrame({ children }: { children: ReactNode }) {
  return (
    <Container size={440} py="xl" component="main" id="main">
      <Group justify="space-between" mb="lg">
        <Text fw={700} size="lg" component="span">
          Relais
        </Text>
        <LanguageSwitch />
      </Group>
      <Paper withBorder shadow="sm" p="lg" radius="md">
        {children}
      </Paper>
    </Container>
  );
}

/** The signed-in frame: skip link, header (account, language, search), grouped navigation. */
export function Shell() {
  const { t } = useI18n();
  const session = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const location = useLocation();
  const groups = useNavGroups();
  const [opened, { toggle, close }] = useDisclosure(false);

  if (session.isPending) return <p className="loading">{t('common.loading')}</p>;
  if (session.error) return <QueryError error={session.error} />;
  if (!session.data) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  // Two-factor required and not set up: the account security page is the only one that works.
  if (session.data.twoFactorSetupRequired && location.pathname !== '/account/security') {
    return <Navigate to="/account/security" replace />;
  }
  const { user } = session.data;
  const doSignOut = () => signOut.mutate(undefined, { onSettled: () => navigate('/sign-in') });

  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      <AppShell
        header={{ height: 60 }}
        navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !opened } }}
        padding="md"
      >
        <AppShell.Header>
          <Group h="100%" px="md" gap="sm" wrap="nowrap" justify="space-between">
            <Group gap="sm" wrap="nowrap">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={opened ? t('nav.close') : t('nav.open')}
                aria-expanded={opened}
                aria-controls="main-navigation"
              />
              <Text fw={700} size="lg" component="span">
                Relais
              </Text>
            </Group>
            <UnstyledButton
              className="palette-button"
              onClick={openCommandPalette}
              aria-keyshortcuts="Control+K Meta+K"
              title={t('palette.open')}
            >
              <span aria-hidden className="palette-icon">
                ⌕
              </span>
              <span className="palette-text">{t('palette.placeholder')}</span>
              <Kbd size="xs" visibleFrom="md">
                Ctrl K
              </Kbd>
            </UnstyledButton>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" c="dimmed" visibleFrom="md">
                {t('nav.signedInAs', { name: user.name, role: t(`role.${user.role}`) })}
              </Text>
              <LanguageSwitch />
              <Button variant="default" size="xs" onClick={doSignOut} visibleFrom="sm">
                {t('nav.signOut')}
              </Button>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar
          id="main-navigation"
          aria-label={t('nav.main')}
          className={opened ? undefined : 'nav-folded'}
        >
          <AppShell.Section grow component={ScrollArea} p="xs">
            {groups.map((g) => {
              const labelId = g.label ? `nav-${g.label.replace(/\W/g, '-')}` : undefined;
              return (
                <div key={g.label ?? 'top'} className="nav-group">
                  {g.label && (
                    <Text id={labelId} size="xs" fw={700} tt="uppercase" c="dimmed" px="sm" pt="xs" pb={4}>
                      {t(g.label)}
                    </Text>
                  )}
                  <ul className="plain-list" aria-labelledby={labelId}>
                    {g.items.map((n) => (
                      <li key={n.to}>
                        <NavLink
                          component={RouterLink}
                          to={n.to}
                          end={n.end ?? false}
                          label={t(n.label)}
                          rightSection={n.to === '/chats' ? <ChatBadge /> : undefined}
                          active={isActive(location.pathname, n)}
                          onClick={close}
                        />
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
          </AppShell.Section>
          <AppShell.Section p="sm" hiddenFrom="sm" className="nav-account">
            <Text size="sm" mb="xs">
              {t('nav.signedInAs', { name: user.name, role: t(`role.${user.role}`) })}
            </Text>
            <Button variant="default" size="xs" onClick={doSignOut} fullWidth>
              {t('nav.signOut')}
            </Button>
          </AppShell.Section>
        </AppShell.Navbar>
        <AppShell.Main id="main">
          <div className="page">
            <Outlet />
          </div>
        </AppShell.Main>
      </AppShell>
      <CommandPalette />
    </>
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
