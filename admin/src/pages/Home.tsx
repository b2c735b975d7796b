import { Anchor, Badge, Button, Card, Group, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { type Article, get, type TicketSummary } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useCan, useSession } from '../session.tsx';
import { PageTitle, QueryError } from '../ui.tsx';
import { type Dashboard, KpiCards } from './KpiCards.tsx';

const OPEN = new Set(['new', 'open', 'pending_customer']);
const FIRST = 5;
const iso = (d: Date) => d.toISOString().slice(0, 10);
/** What a Head of Care looks at first; the dashboard has the rest. */
const HOME_KPIS = [
  'selfServiceSessions',
  'resolutionRate',
  'deflectionRate',
  'escalationRate',
  'helpfulness',
  'zeroResultRate',
  'csat',
  'contactsAvoided',
];

/** The signed-in home: what this person's role works on first (queue, content, KPIs). */
export function Home() {
  const { t } = useI18n();
  const session = useSession().data;
  const can = useCan();
  const title = t('home.title', { name: session?.user.name ?? '' });
  const role = session?.user.role;
  const sections: Array<[number, ReactNode]> = [];
  if (can('tickets:read')) sections.push([role === 'agent' ? 0 : 2, <MyQueue key="queue" />]);
  if (can('content:write')) sections.push([role === 'editor' ? 0 : 3, <EditorDesk key="content" />]);
  if (can('analytics:read')) sections.push([1, <KpiOverview key="kpis" />]);
  sections.sort((a, b) => a[0] - b[0]);
  return (
    <Stack gap="lg">
      <PageTitle title={title}>{title}</PageTitle>
      {sections.length === 0 ? <Text>{t('home.nothing')}</Text> : sections.map(([, s]) => s)}
    </Stack>
  );
}

/** A titled card with a count badge, the first items, and a link to the full list. */
function ListCard({
  title,
  count,
  to,
  more,
  loading,
  error,
  empty,
  children,
}: {
  title: string;
  count: number | undefined;
  to: string;
  more: string;
  loading: boolean;
  error: unknown;
  empty: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Card withBorder padding="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="xs" wrap="nowrap">
        <Title order={3} size="h5">
          {title}
        </Title>
        {count !== undefined && (
          <Badge variant="light" size="lg" aria-label={t('home.countLabel', { count })}>
            {count}
          </Badge>
        )}
      </Group>
      {error ? (
        <QueryError error={error} />
      ) : loading ? (
        <Skeleton height={60} />
      ) : count === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        children
      )}
      <Anchor component={Link} to={to} size="sm" mt="sm" display="inline-block">
        {more}
      </Anchor>
    </Card>
  );
}

function TicketItems({ items }: { items: TicketSummary[] }) {
  const { t, formatDate } = useI18n();
  return (
    <ul className="plain-list home-list">
      {items.slice(0, FIRST).map((tk) => (
        <li key={tk.id}>
          <Anchor component={Link} to={`/inbox/${tk.id}`} fw={500}>
            {tk.subject}
          </Anchor>
          <Group gap={6} mt={2}>
            <Badge
              size="xs"
              variant="light"
              color={tk.priority === 'urgent' || tk.priority === 'high' ? 'red' : 'gray'}
            >
              {t(`priority.${tk.priority}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              {tk.reference} · {formatDate(tk.createdAt)}
            </Text>
          </Group>
        </li>
      ))}
    </ul>
  );
}

/** Agent: open tickets assigned to me, then those nobody holds. */
function MyQueue() {
  const { t } = useI18n();
  const mine = useQuery({
    queryKey: ['home', 'tickets', 'mine'],
    queryFn: () => get<{ items: TicketSummary[]; total: number }>('/tickets?queue=mine&limit=100'),
  });
  const unassigned = useQuery({
    queryKey: ['home', 'tickets', 'unassigned'],
    queryFn: () => get<{ items: TicketSummary[]; total: number }>(`/tickets?queue=unassigned&limit=${FIRST}`),
  });
  const myOpen = mine.data?.items.filter((tk) => OPEN.has(tk.status));
  return (
    <section aria-labelledby="home-queue">
      <Title order={2} size="h3" id="home-queue" mb="sm">
        {t('home.queue')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <ListCard
          title={t('home.mine')}
          count={myOpen?.length}
          to="/inbox?queue=mine"
          more={t('home.openMine')}
          loading={mine.isPending}
          error={mine.error}
          empty={t('home.mineEmpty')}
        >
          <TicketItems items={myOpen ?? []} />
        </ListCard>
        <ListCard
          title={t('home.unassigned')}
          count={unassigned.data?.total}
          to="/inbox?queue=unassigned"
          more={t('home.openUnassigned')}
          loading={unassigned.isPending}
          error={unassigned.error}
          empty={t('home.unassignedEmpty')}
        >
          <TicketItems items={unassigned.data?.items ?? []} />
        </ListCard>
      </SimpleGrid>
    </section>
  );
}

function ArticleItems({ items }: { items: Article[] }) {
  const { t, formatDate } = useI18n();
  return (
    <ul className="plain-list home-list">
      {items.slice(0, FIRST).map((a) => (
        <li key={a.id}>
          <Anchor component={Link} to={`/content/${a.id}`} fw={500}>
            {a.title}
          </Anchor>
          <Text size="xs" c="dimmed">
            {a.locale.toUpperCase()} ·{' '}
            {a.reviewBy ? t('home.reviewBy', { date: a.reviewBy }) : formatDate(a.updatedAt)}
          </Text>
        </li>
      ))}
    </ul>
  );
}

function useArticles(key: string, query: Record<string, string>, enabled = true) {
  return useQuery({
    queryKey: ['home', 'articles', key, query],
    queryFn: () =>
      get<{ items: Article[]; total: number }>(
        `/articles?${new URLSearchParams({ ...query, limit: String(FIRST) })}`,
      ),
    enabled,
  });
}

/** Editor: my drafts, reviews due, articles waiting for approval, and content gaps when readable. */
function EditorDesk() {
  const { t } = useI18n();
  const me = useSession().data?.user.id ?? '';
  const can = useCan();
  const drafts = useArticles('drafts', { status: 'draft', ownerId: me }, Boolean(me));
  const due = useArticles('due', { reviewDue: 'true' });
  const inReview = useArticles('review', { status: 'in_review' });
  const to = new Date();
  const from = new Date(to.getTime() - 29 * 86_400_000);
  // Gaps are computed in the server's background: ask again while a computation is under way.
  const gaps = useQuery({
    queryKey: ['home', 'gaps'],
    queryFn: () =>
      get<{
        items: Array<{ id: string; label: string; volume: number; locale: string }>;
        refreshing: boolean;
      }>(`/analytics/gaps?${new URLSearchParams({ from: iso(from), to: iso(to) })}`),
    enabled: can('analytics:read'),
    refetchInterval: (q) => (q.state.data?.refreshing ? 1_500 : false),
  });
  return (
    <section aria-labelledby="home-content">
      <Title order={2} size="h3" id="home-content" mb="sm">
        {t('home.content')}
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2, lg: 3 }} spacing="md">
        <ListCard
          title={t('home.drafts')}
          count={drafts.data?.total}
          to={`/content?status=draft&ownerId=${me}`}
          more={t('home.openDrafts')}
          loading={drafts.isPending}
          error={drafts.error}
          empty={t('home.draftsEmpty')}
        >
          <ArticleItems items={drafts.data?.items ?? []} />
        </ListCard>
        <ListCard
          title={t('home.reviewDue')}
          count={due.data?.total}
          to="/content?reviewDue=true"
          more={t('home.openReviewDue')}
          loading={due.isPending}
          error={due.error}
          empty={t('home.reviewDueEmpty')}
        >
          <ArticleItems items={due.data?.items ?? []} />
        </ListCard>
        <ListCard
          title={t('home.inReview')}
          count={inReview.data?.total}
          to="/content?status=in_review"
          more={t('home.openInReview')}
          loading={inReview.isPending}
          error={inReview.error}
          empty={t('home.inReviewEmpty')}
        >
          <ArticleItems items={inReview.data?.items ?? []} />
        </ListCard>
        {can('analytics:read') && (
          <ListCard
            title={t('home.gaps')}
            count={gaps.data?.items.length}
            to="/analytics"
            more={t('home.openGaps')}
            loading={gaps.isPending || Boolean(gaps.data?.refreshing && !gaps.data.items.length)}
            error={gaps.error}
            empty={t('home.gapsEmpty')}
          >
            <ul className="plain-list home-list">
              {gaps.data?.items.slice(0, FIRST).map((g) => (
                <li key={g.id}>
                  <Text size="sm" fw={500}>
                    {g.label}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {g.locale.toUpperCase()} · {t('home.searches', { count: g.volume })}
                  </Text>
                </li>
              ))}
            </ul>
          </ListCard>
        )}
      </SimpleGrid>
    </section>
  );
}

/** Head of Care, admin, analyst: the last 30 days against the 30 before. */
function KpiOverview() {
  const { t } = useI18n();
  const to = new Date();
  const from = new Date(to.getTime() - 29 * 86_400_000);
  const dashboard = useQuery({
    queryKey: ['home', 'dashboard', iso(to)],
    queryFn: () =>
      get<Dashboard>(`/analytics/dashboard?${new URLSearchParams({ from: iso(from), to: iso(to) })}`),
  });
  return (
    <section aria-labelledby="home-kpis">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h3" id="home-kpis">
          {t('home.kpis')}
        </Title>
        <Button component={Link} to="/analytics" variant="light" size="xs">
          {t('home.openDashboard')}
        </Button>
      </Group>
      {dashboard.error && <QueryError error={dashboard.error} />}
      {dashboard.isPending && <Skeleton height={120} />}
      {dashboard.data && <KpiCards dashboard={dashboard.data} only={HOME_KPIS} />}
    </section>
  );
}
