import type { RouteObject } from 'react-router';
import { AccountSecurity } from './pages/AccountSecurity.tsx';
import { ActionEditor, Actions } from './pages/Actions.tsx';
import { Analytics } from './pages/Analytics.tsx';
import { ApiKeys } from './pages/ApiKeys.tsx';
import { ArticleEditor } from './pages/ArticleEditor.tsx';
import { AuditLog } from './pages/AuditLog.tsx';
import { Branding } from './pages/Branding.tsx';
import { Categories } from './pages/Categories.tsx';
import { ChatRoom, Chats, ChatsArea } from './pages/Chats.tsx';
import { ContentList } from './pages/ContentList.tsx';
import { CustomerProfile, Customers } from './pages/Customers.tsx';
import { FlowEditor, FlowList } from './pages/Flows.tsx';
import { Inbox, InboxArea } from './pages/Inbox.tsx';
import { AcceptInvite, Setup } from './pages/Onboarding.tsx';
import { SearchTuning } from './pages/SearchTuning.tsx';
import { Home, NotFound, RequirePermission, Shell } from './pages/Shell.tsx';
import { SignIn } from './pages/SignIn.tsx';
// Status page (issue 19)
import { Status } from './pages/Status.tsx';
import { Ticket } from './pages/Ticket.tsx';
import { Users } from './pages/Users.tsx';
import { WidgetSiteEditor, WidgetSites } from './pages/WidgetSites.tsx';

/** Client routes under /admin; the server answers every /admin/* path with index.html. */
export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignIn /> },
  { path: '/setup', element: <Setup /> },
  { path: '/accept-invite', element: <AcceptInvite /> },
  {
    path: '/',
    element: <Shell />,
    children: [
      { index: true, element: <Home /> },
      {
        path: 'content',
        element: <RequirePermission needs="content:read" />,
        children: [
          { index: true, element: <ContentList /> },
          { path: 'categories', element: <Categories /> },
          { path: 'new', element: <ArticleEditor /> },
          { path: ':id', element: <ArticleEditor /> },
        ],
      },
      {
        path: 'inbox',
        element: (
          <RequirePermission needs="tickets:read">
            <InboxArea />
          </RequirePermission>
        ),
        children: [
          { index: true, element: <Inbox /> },
          { path: ':id', element: <Ticket /> },
        ],
      },
      {
        path: 'chats',
        element: (
          <RequirePermission needs="tickets:read">
            <ChatsArea />
          </RequirePermission>
        ),
        children: [
          { index: true, element: <Chats /> },
          { path: ':id', element: <ChatRoom /> },
        ],
      },
      {
        path: 'search-tuning',
        element: (
          <RequirePermission needs="content:read">
            <SearchTuning />
          </RequirePermission>
        ),
      },
      {
        path: 'flows',
        element: <RequirePermission needs="content:write" />,
        children: [
          { index: true, element: <FlowList /> },
          { path: 'new', element: <FlowEditor /> },
          { path: ':id', element: <FlowEditor /> },
        ],
      },
      {
        path: 'analytics',
        element: (
          <RequirePermission needs="analytics:read">
            <Analytics />
          </RequirePermission>
        ),
      },
      {
        path: 'settings/users',
        element: (
          <RequirePermission needs="users:manage">
            <Users />
          </RequirePermission>
        ),
      },
      {
        path: 'settings/api-keys',
        element: (
          <RequirePermission needs="api_keys:manage">
            <ApiKeys />
          </RequirePermission>
        ),
      },
      {
        path: 'settings/branding',
        element: (
          <RequirePermission needs="settings:manage">
            <Branding />
          </RequirePermission>
        ),
      },
      {
        path: 'settings/widget',
        element: <RequirePermission needs="settings:manage" />,
        children: [
          { index: true, element: <WidgetSites /> },
          { path: ':key', element: <WidgetSiteEditor /> },
        ],
      },
      {
        path: 'settings/audit',
        element: (
          <RequirePermission needs="audit:read">
            <AuditLog />
          </RequirePermission>
        ),
      },
      // Staff security (issue 24): open to every signed-in member, also while 2FA set-up is required.
      { path: 'account/security', element: <AccountSecurity /> },
      // Status page (issue 19)
      {
        path: 'status',
        element: (
          <RequirePermission needs="status:manage">
            <Status />
          </RequirePermission>
        ),
      },
      // Customer accounts and the portal (issue 18)
      {
        path: 'customers',
        element: <RequirePermission needs="tickets:read" />,
        children: [
          { index: true, element: <Customers /> },
          { path: ':id', element: <CustomerProfile /> },
        ],
      },
      // Self-service actions (issue 18)
      {
        path: 'settings/actions',
        element: <RequirePermission needs="settings:manage" />,
        children: [
          { index: true, element: <Actions /> },
          { path: ':id', element: <ActionEditor /> },
        ],
      },
      { path: '*', element: <NotFound /> },
    ],
  },
];
