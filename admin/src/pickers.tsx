/**
 * Pickers for things the API names by id: articles are chosen by their title (searchable), connections
 * by name. Nobody types an article id.
 */
import { Autocomplete, MultiSelect, Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { type Article, get } from './api.ts';
import { useI18n } from './i18n.tsx';

export interface ArticleOption {
  value: string;
  label: string;
}

/** Every article staff can read (drafts included), as options "Title (language)"; and a title by id. */
export function useArticleOptions() {
  const { languageName } = useI18n();
  const query = useQuery({
    queryKey: ['article-options'],
    queryFn: () => get<{ items: Article[] }>('/articles?limit=500'),
    staleTime: 60_000,
  });
  return useMemo(() => {
    const options: ArticleOption[] = (query.data?.items ?? []).map((a) => ({
      value: a.id,
      label: `${a.title} (${languageName(a.locale)})`,
    }));
    const titles = new Map((query.data?.items ?? []).map((a) => [a.id, a.title]));
    return { options, titleOf: (id: string) => titles.get(id), isPending: query.isPending };
  }, [query.data, query.isPending, languageName]);
}

/** Keeps an id nobody can resolve (deleted article) choosable, so the form shows and can replace it. */
function withUnknown(options: ArticleOption[], ids: string[], unknown: (id: string) => string) {
  const known = new Set(options.map((o) => o.value));
  return [
    ...options,
    ...ids.filter((id) => id && !known.has(id)).map((id) => ({ value: id, label: unknown(id) })),
  ];
}

interface PickerProps {
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  disabled?: boolean | undefined;
}

export function ArticlePicker({
  value,
  onChange,
  ...props
}: PickerProps & { value: string; onChange: (id: string) => void }) {
  const { t } = useI18n();
  const { options } = useArticleOptions();
  return (
    <Select
      label={props.label}
      description={props.hint}
      error={props.error}
      disabled={props.disabled}
      data={withUnknown(options, [value], (id) => t('pickers.unknownArticle', { id: id.slice(0, 8) }))}
      value={value || null}
      onChange={(v) => onChange(v ?? '')}
      searchable
      clearable
      placeholder={t('pickers.articlePlaceholder')}
      nothingFoundMessage={t('pickers.noArticle')}
      limit={50}
      mb="sm"
      classNames={{ error: 'field-error', description: 'hint' }}
      clearButtonProps={{ 'aria-label': t('pickers.clear') }}
    />
  );
}

export function ArticlesPicker({
  value,
  onChange,
  max,
  ...props
}: PickerProps & { value: string[]; onChange: (ids: string[]) => void; max: number }) {
  const { t } = useI18n();
  const { options } = useArticleOptions();
  return (
    <MultiSelect
      label={props.label}
      description={props.hint}
      error={props.error}
      disabled={props.disabled}
      data={withUnknown(options, value, (id) => t('pickers.unknownArticle', { id: id.slice(0, 8) }))}
      value={value}
      onChange={onChange}
      searchable
      maxValues={max}
      placeholder={value.length < max ? t('pickers.articlePlaceholder') : undefined}
      nothingFoundMessage={t('pickers.noArticle')}
      limit={50}
      mb="sm"
      classNames={{ error: 'field-error', description: 'hint' }}
    />
  );
}

/** A flow action's connection, chosen among the configured names (free text stays possible). */
export function ConnectionPicker({
  value,
  onChange,
  ...props
}: PickerProps & { value: string; onChange: (name: string) => void }) {
  const connections = useQuery({
    queryKey: ['flow-connection-names'],
    queryFn: () => get<{ items: string[] }>('/flow-connections/names'),
  });
  return (
    <Autocomplete
      label={props.label}
      description={props.hint}
      error={props.error}
      disabled={props.disabled}
      data={connections.data?.items ?? []}
      value={value}
      onChange={onChange}
      mb="sm"
      classNames={{ error: 'field-error', description: 'hint' }}
    />
  );
}
