import type { Permission } from './api.ts';
import type { MessageKey } from './i18n.tsx';
import { useCan } from './session.tsx';

export interface NavEntry {
  to: string;
  label: MessageKey;
  needs?: Permission;
  end?: boolean;
}

/** Navigation by job, and who sees each entry; the server enforces the same permissions on the API. */
export const NAV_GROUPS: Array<{ label?: MessageKey; items: NavEntry[] }> = [
  { items: [{ to: '/', label: 'nav.home', end: true }] },
  {
    label: 'nav.group.support',
    items: [
      { to: '/inbox', label: 'nav.inbox', needs: 'tickets:read' },
      { to: '/chats', label: 'nav.chats', needs: 'tickets:read' },
      { to: '/customers', label: 'nav.customers', needs: 'tickets:read' },
      { to: '/status', label: 'nav.status', needs: 'status:manage' },
    ],
  },
  {
    label: 'nav.group.content',
    items: [
      { to: '/content', label: 'nav.articles', needs: 'content:read', end: true },
      { to: '/content/categories', label: 'nav.categories', needs: 'content:read' },
      { to: '/search-tuning', label: 'nav.tuning', needs: 'content:read' },
      { to: '/flows', label: 'nav.flows', needs: 'content:write' },
    ],
  },
  {
    label: 'nav.group.insights',
    items: [{ to: '/analytics', label: 'nav.analytics', needs: 'analytics:read' }],
  },
  {
    label: 'nav.group.settings',
    items: [
      { to: '/settings/users', label: 'nav.users', needs: 'users:manage' },
      { to: '/settings/api-keys', label: 'nav.apiKeys', needs: 'api_keys:manage' },
      { to: '/settings/audit', label: 'nav.audit', needs: 'audit:read' },
      { to: '/settings/branding', label: 'nav.branding', needs: 'settings:manage' },
      { to: '/settings/widget', label: 'nav.widget', needs: 'settings:manage' },
      // Self-service actions (issue 18)
      { to: '/settings/actions', label: 'nav.actions', needs: 'settings:manage' },
    ],
  },
  // Staff security (issue 24): every signed-in member's own account security.
  { label: 'nav.group.account', items: [{ to: '/account/security', label: 'nav.accountSecurity' }] },
];

/** The entries this actor may open, by group (empty groups dropped). */
export function useNavGroups() {
  const can = useCan();
  return NAV_GROUPS.map((g) => ({ ...g, items: g.items.filter((n) => !n.needs || can(n.needs)) })).filter(
    (g) => g.items.length > 0,
  );
}
