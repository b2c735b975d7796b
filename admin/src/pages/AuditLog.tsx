import { Badge, Button, Code, Group, Text } from '@mantine/core';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  type ApiKey,
  type Article,
  type AuditEntry,
  type FlowSummary,
  get,
  type StaffUser,
  type WidgetSite,
} from '../api.ts';
import { categoryTitle, useCategories } from '../content.ts';
import { type MessageKey, type Translate, useI18n } from '../i18n.tsx';
import { useCan } from '../session.tsx';
import { DataTable } from '../table.tsx';
import { PageTitle, QueryError, SelectField } from '../ui.tsx';

const PAGE = 50;

/** `user.created` → its label in the catalogue, or undefined when the catalogue has none. */
function known(t: Translate, key: string): string | undefined {
  const text = t(key as MessageKey);
  return text === key || text === undefined ? undefined : text;
}

/**
 * Names for the ids the log holds, from the lists this actor may already read (team, keys,
 * articles, categories, flows, widget sites); an id nobody can resolve stays a short id.
 */
function useNames() {
  const can = useCan();
  const { lang } = useI18n();
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => get<{ items: StaffUser[] }>('/users'),
    enabled: can('users:manage'),
  });
  const keys = useQuery({
    queryKey: ['api-keys'],
    queryFn: () => get<{ items: ApiKey[] }>('/api-keys'),
    enabled: can('api_keys:manage'),
  });
  const articles = useQuery({
    queryKey: ['audit-articles'],
    queryFn: () => get<{ items: Article[] }>('/articles?limit=500'),
    enabled: can('content:read'),
    staleTime: 60_000,
  });
  const flows = useQuery({
    queryKey: ['flows'],
    queryFn: () => get<{ items: FlowSummary[] }>('/flows'),
    enabled: can('content:write'),
  });
  const sites = useQuery({
    queryKey: ['widget-sites'],
    queryFn: () => get<{ items: WidgetSite[] }>('/widget/sites'),
    enabled: can('settings:manage'),
  });
  const categories = useCategories();
  const byId = new Map<string, string>();
  for (const u of users.data?.items ?? []) byId.set(`user:${u.id}`, u.name);
  for (const k of keys.data?.items ?? []) byId.set(`api_key:${k.id}`, k.name);
  for (const a of articles.data?.items ?? []) byId.set(`article:${a.id}`, a.title);
  for (const f of flows.data?.items ?? []) byId.set(`flow:${f.id}`, f.title);
  for (const s of sites.data?.items ?? []) byId.set(`widget_site:${s.key}`, s.name);
  for (const c of categories.data ?? []) byId.set(`category:${c.id}`, categoryTitle(c, lang));
  return (type: string, id: string | null) => (id ? byId.get(`${type}:${id}`) : undefined);
}

/** Details as "label: value" pairs: statuses, roles and booleans in words, field lists joined. */
function DetailList({
  details,
  name,
}: {
  details: Record<string, unknown>;
  name: (type: string, id: string | null) => string | undefined;
}) {
  const { t } = useI18n();
  const entries = Object.entries(details).filter(([k]) => k !== 'translationGroup');
  if (entries.length === 0) return null;
  const value = (k: string, v: unknown): string => {
    if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
    if (Array.isArray(v)) return v.map((x) => value(k, x)).join(', ');
    if (typeof v === 'string') {
      if (k === 'role') return known(t, `role.${v}`) ?? v;
      if (k === 'from' || k === 'to') return known(t, `status.${v}`) ?? v;
      // flowId, articleId, categoryId…: the name when this actor can read it.
      const ref = /^(\w+)Id$/.exec(k)?.[1];
      if (ref) return name(ref, v) ?? v.slice(0, 8);
      return v;
    }
    return typeof v === 'number' ? String(v) : JSON.stringify(v);
  };
  return (
    <dl className="audit-details">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{t('audit.detailLabel', { label: known(t, `audit.detail.${k}`) ?? k })}</dt>
          <dd>{value(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditLog() {
  const { t, formatDate } = useI18n();
  const [action, setAction] = useState('');
  const name = useNames();
  // Keyset pagination: each page asks for entries older than the last id seen.
  const log = useInfiniteQuery({
    queryKey: ['audit', action],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ limit: String(PAGE) });
      if (pageParam) q.set('before', String(pageParam));
      if (action) q.set('action', action);
      return get<{ items: AuditEntry[] }>(`/audit-log?${q}`);
    },
    getNextPageParam: (last) => (last.items.length < PAGE ? undefined : last.items.at(-1)?.id),
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const actionLabel = (code: string) => known(t, `audit.action.${code}`) ?? code;
  const actorLabel = (e: AuditEntry) => {
    if (e.actorType === 'system') return t('audit.system');
    if (e.actorType === 'customer') return t('audit.customer', { id: e.actorId?.slice(0, 8) ?? '' });
    const resolved = name(e.actorType, e.actorId);
    if (e.actorType === 'api_key')
      return t('audit.apiKey', { name: resolved ?? e.actorId?.slice(0, 8) ?? '' });
    return resolved ?? t('audit.unknown', { id: e.actorId?.slice(0, 8) ?? '' });
  };
  const subjectLabel = (e: AuditEntry) => {
    const type = known(t, `audit.subjectType.${e.subjectType}`) ?? e.subjectType;
    const resolved = name(e.subjectType, e.subjectId) ?? e.subjectId?.slice(0, 8);
    return resolved ? `${type} · ${resolved}` : type;
  };
  const actions = Object.keys(AUDIT_ACTIONS);

  return (
    <section>
      <PageTitle title={t('audit.title')}>{t('audit.title')}</PageTitle>
      {log.error && <QueryError error={log.error} />}
      {log.isPending && <p>{t('common.loading')}</p>}
      {log.data && (
        <DataTable
          label={t('audit.title')}
          rows={entries}
          rowKey={(e) => e.id}
          filterable
          pageSize={50}
          toolbar={
            <SelectField
              label={t('audit.filterAction')}
              name="action"
              value={action}
              onChange={(e) => setAction(e.target.value)}
            >
              <option value="">{t('content.any')}</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(a)}
                </option>
              ))}
            </SelectField>
          }
          columns={[
            { key: 'at', header: t('audit.at'), sortValue: (e) => e.at, render: (e) => formatDate(e.at) },
            { key: 'actor', header: t('audit.actor'), sortValue: actorLabel, render: actorLabel },
            {
              key: 'action',
              header: t('audit.action'),
              sortValue: (e) => actionLabel(e.action),
              filterValue: (e) => `${actionLabel(e.action)} ${e.action}`,
              render: (e) => (
                <>
                  <Text size="sm" fw={500}>
                    {actionLabel(e.action)}
                  </Text>
                  <Code c="dimmed">{e.action}</Code>
                </>
              ),
            },
            { key: 'subject', header: t('audit.subject'), sortValue: subjectLabel, render: subjectLabel },
            {
              key: 'details',
              header: t('audit.details'),
              hideOnPhone: true,
              filterValue: (e) => JSON.stringify(e.details),
              render: (e) => <DetailList details={e.details} name={name} />,
            },
          ]}
        />
      )}
      <Group mt="sm">
        {log.hasNextPage ? (
          <Button
            variant="default"
            type="button"
            onClick={() => log.fetchNextPage()}
            disabled={log.isFetchingNextPage}
          >
            {t('audit.more')}
          </Button>
        ) : (
          log.data && (
            <Badge variant="light" color="gray">
              {t('audit.end')}
            </Badge>
          )
        )}
      </Group>
    </section>
  );
}

/** The actions the filter offers (the log may hold others: they show as their code). */
const AUDIT_ACTIONS = Object.fromEntries(
  [
    'user.created',
    'user.updated',
    'user.invite_accepted',
    'api_key.created',
    'api_key.revoked',
    'article.created',
    'article.submitted',
    'article.published',
    'article.archived',
    'article.deleted',
    'category.created',
    'flow.saved',
    'flow.published',
    'settings.branding_updated',
    'settings.locales_updated',
    'widget_rules.replaced',
    'synonyms.replaced',
  ].map((a) => [a, true]),
);
