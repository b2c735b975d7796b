import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, type SpotlightActionData, spotlight } from '@mantine/spotlight';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { type Article, get } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useNavGroups } from '../nav.ts';
import { useCan } from '../session.tsx';

export const openCommandPalette = () => spotlight.open();

/**
 * Ctrl/Cmd+K: jump to any screen this actor may open, or to an article found by its title
 * (the knowledge base's own search, `GET /articles?q=`).
 */
export function CommandPalette() {
  const { t } = useI18n();
  const can = useCan();
  const navigate = useNavigate();
  const groups = useNavGroups();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 200);
  const articles = useQuery({
    queryKey: ['palette-articles', debounced],
    queryFn: () =>
      get<{ items: Article[] }>(`/articles?${new URLSearchParams({ q: debounced, limit: '8' })}`),
    enabled: can('content:read') && debounced.length >= 2,
    staleTime: 30_000,
  });

  const q = query.trim().toLowerCase();
  const screens: SpotlightActionData[] = groups
    .flatMap((g) => g.items.map((n) => ({ n, group: g.label ? t(g.label) : '' })))
    .filter(({ n, group }) => !q || `${t(n.label)} ${group}`.toLowerCase().includes(q))
    .map(({ n, group }) => ({
      id: `screen:${n.to}`,
      label: t(n.label),
      description: group || undefined,
      onClick: () => navigate(n.to),
    }));
  const found: SpotlightActionData[] =
    debounced.length >= 2
      ? (articles.data?.items ?? []).map((a) => ({
          id: `article:${a.id}`,
          label: a.title,
          description: `${t('palette.article')} · ${a.locale.toUpperCase()} · ${t(`status.${a.status}`)}`,
          onClick: () => navigate(`/content/${a.id}`),
        }))
      : [];
  const actions = [
    ...(screens.length ? [{ group: t('palette.screens'), actions: screens }] : []),
    ...(found.length ? [{ group: t('palette.articles'), actions: found }] : []),
  ];

  return (
    <Spotlight
      actions={actions}
      query={query}
      onQueryChange={setQuery}
      // Filtering is done above: the server's article search matches more than substrings of titles.
      filter={(_query, items) => items}
      shortcut={['mod + K']}
      nothingFound={articles.isFetching ? t('common.loading') : t('palette.nothing')}
      highlightQuery
      // Scroll locking injects a <style> element, which the console's CSP refuses.
      lockScroll={false}
      scrollable
      maxHeight={420}
      searchProps={{ placeholder: t('palette.placeholder'), 'aria-label': t('palette.placeholder') }}
    />
  );
}
