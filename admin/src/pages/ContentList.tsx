import { Anchor, Badge, Button, Checkbox, Group, Tabs, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { ARTICLE_STATUSES, type Article, type ArticleStatus, get, VISIBILITIES } from '../api.ts';
import { categoryTitle, useCategories, useLocales } from '../content.ts';
import { useI18n } from '../i18n.tsx';
import { useCan, useSession } from '../session.tsx';
import { type Column, DataTable } from '../table.tsx';
import { Alert, PageTitle, QueryError, SelectField, TextField } from '../ui.tsx';
import { TestQuestion } from './TestQuestion.tsx';

const FILTERS = ['q', 'locale', 'status', 'visibility', 'categoryId', 'ownerId', 'reviewDue'] as const;

export const STATUS_COLORS: Record<ArticleStatus, string> = {
  draft: 'gray',
  in_review: 'orange',
  published: 'green',
  archived: 'dark',
};

/** Articles with filters kept in the URL (shareable, survive a reload). */
export function ContentList() {
  const { t, lang, formatDate, languageName } = useI18n();
  const can = useCan();
  const me = useSession().data;
  const [params, setParams] = useSearchParams();
  const locales = useLocales();
  const categories = useCategories();
  // The list is paged in the table; 500 is the API's maximum page.
  const query = new URLSearchParams({ limit: '500' });
  for (const f of FILTERS) {
    const v = params.get(f);
    if (v) query.set(f, v);
  }
  const articles = useQuery({
    queryKey: ['articles', query.toString()],
    queryFn: () => get<{ items: Article[]; total: number }>(`/articles?${query}`),
    placeholderData: keepPreviousData,
  });
  const set = (name: (typeof FILTERS)[number], value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const catName = (id: string | null) => {
    const c = id ? categories.data?.find((x) => x.id === id) : undefined;
    return c ? categoryTitle(c, lang) : '';
  };

  const columns: Column<Article>[] = [
    {
      key: 'title',
      header: t('editor.title'),
      rowHeader: true,
      sortValue: (a) => a.title,
      render: (a) => (
        <Anchor component={Link} to={`/content/${a.id}`}>
          {a.title}
        </Anchor>
      ),
    },
    {
      key: 'locale',
      header: t('content.locale'),
      sortValue: (a) => a.locale,
      render: (a) => a.locale,
    },
    {
      key: 'status',
      header: t('content.status'),
      sortValue: (a) => t(`status.${a.status}`),
      render: (a) => (
        <Badge variant="light" color={STATUS_COLORS[a.status]}>
          {t(`status.${a.status}`)}
        </Badge>
      ),
    },
    {
      key: 'visibility',
      header: t('content.visibility'),
      hideOnPhone: true,
      sortValue: (a) => t(`visibility.${a.visibility}`),
      render: (a) => t(`visibility.${a.visibility}`),
    },
    {
      key: 'category',
      header: t('content.category'),
      hideOnPhone: true,
      sortValue: (a) => catName(a.categoryId),
      render: (a) => catName(a.categoryId),
    },
    {
      key: 'reviewBy',
      header: t('content.reviewBy'),
      hideOnPhone: true,
      sortValue: (a) => a.reviewBy,
      render: (a) => a.reviewBy ?? '',
    },
    {
      key: 'updated',
      header: t('content.updated'),
      hideOnPhone: true,
      sortValue: (a) => a.updatedAt,
      render: (a) => formatDate(a.updatedAt),
    },
  ];

  return (
    <section>
      <PageTitle title={t('content.title')}>{t('content.title')}</PageTitle>
      <Group gap="sm" mb="md">
        {can('content:write') && (
          <Button component={Link} to="/content/new">
            {t('content.new')}
          </Button>
        )}
        <Button component={Link} variant="default" to="/content/categories">
          {t('content.categories')}
        </Button>
      </Group>
      {!can('content:write') && <Alert kind="info">{t('content.readOnly')}</Alert>}
      <Tabs defaultValue="articles" keepMounted>
        <Tabs.List mb="md">
          <Tabs.Tab value="articles">{t('nav.articles')}</Tabs.Tab>
          <Tabs.Tab value="test">{t('test.title')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="articles">
          <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('content.filters')}>
            <TextField
              label={t('content.search')}
              type="search"
              name="q"
              value={params.get('q') ?? ''}
              onChange={(e) => set('q', e.target.value)}
            />
            <SelectField
              label={t('content.locale')}
              value={params.get('locale') ?? ''}
              onChange={(e) => set('locale', e.target.value)}
            >
              <option value="">{t('content.any')}</option>
              {locales.data?.map((l) => (
                <option key={l} value={l}>
                  {languageName(l)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('content.status')}
              value={params.get('status') ?? ''}
              onChange={(e) => set('status', e.target.value)}
            >
              <option value="">{t('content.any')}</option>
              {ARTICLE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('content.visibility')}
              value={params.get('visibility') ?? ''}
              onChange={(e) => set('visibility', e.target.value)}
            >
              <option value="">{t('content.any')}</option>
              {VISIBILITIES.map((v) => (
                <option key={v} value={v}>
                  {t(`visibility.${v}`)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('content.category')}
              value={params.get('categoryId') ?? ''}
              onChange={(e) => set('categoryId', e.target.value)}
            >
              <option value="">{t('content.any')}</option>
              {categories.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {categoryTitle(c, lang)}
                </option>
              ))}
            </SelectField>
            <Checkbox
              label={t('content.mine')}
              checked={params.get('ownerId') === me?.user.id}
              onChange={(e) => set('ownerId', e.currentTarget.checked ? (me?.user.id ?? '') : '')}
            />
            <Checkbox
              label={t('content.reviewDue')}
              checked={params.get('reviewDue') === 'true'}
              onChange={(e) => set('reviewDue', e.currentTarget.checked ? 'true' : '')}
            />
          </form>
          {articles.error && <QueryError error={articles.error} />}
          {articles.isPending && <p>{t('common.loading')}</p>}
          {articles.data && (
            <>
              <Text size="sm" c="dimmed" aria-live="polite" mb="xs">
                {t('content.count', { count: articles.data.total })}
              </Text>
              <DataTable
                label={t('content.title')}
                rows={articles.data.items}
                columns={columns}
                rowKey={(a) => a.id}
                empty={t('content.empty')}
              />
            </>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="test">
          <TestQuestion />
        </Tabs.Panel>
      </Tabs>
    </section>
  );
}
