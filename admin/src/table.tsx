import { Group, Pagination, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { type ReactNode, useMemo, useState } from 'react';
import { useI18n } from './i18n.tsx';

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  /** Makes the column sortable; null values sort last. */
  sortValue?: (row: T) => string | number | null | undefined;
  /** Text the filter box searches in (defaults to the sort value when it is a string). */
  filterValue?: (row: T) => string;
  /** The cell names its row (a `<th scope="row">`, read out by screen readers on every cell). */
  rowHeader?: boolean;
  /** Hidden below the `sm` breakpoint (secondary columns on a phone). */
  hideOnPhone?: boolean;
}

export interface SortState {
  key: string;
  direction: 'ascending' | 'descending';
}

/**
 * The state every console table shares: a filter text, a sort column and a page.
 * Works on the rows already fetched (the API's lists are bounded); changing the filter or the sort
 * goes back to the first page.
 */
export function useTableState<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  options: { pageSize?: number; initialSort?: SortState } = {},
) {
  const { lang } = useI18n();
  const pageSize = options.pageSize ?? 25;
  const [filter, setFilterState] = useState('');
  const [sort, setSortState] = useState<SortState | undefined>(options.initialSort);
  const [page, setPage] = useState(1);
  const collator = useMemo(() => new Intl.Collator(lang, { numeric: true, sensitivity: 'base' }), [lang]);

  const filtered = useMemo(() => {
    const needle = filter.trim().toLocaleLowerCase(lang);
    if (!needle) return rows;
    const texts = columns.map((c) => c.filterValue ?? ((r: T) => String(c.sortValue?.(r) ?? '')));
    return rows.filter((r) => texts.some((text) => text(r).toLocaleLowerCase(lang).includes(needle)));
  }, [rows, columns, filter, lang]);

  const sorted = useMemo(() => {
    const column = sort && columns.find((c) => c.key === sort.key);
    if (!column?.sortValue || !sort) return filtered;
    const value = column.sortValue;
    const sign = sort.direction === 'ascending' ? 1 : -1;
    return [...filtered].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      if (x === y) return 0;
      if (x === null || x === undefined || x === '') return 1;
      if (y === null || y === undefined || y === '') return -1;
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
      return sign * order;
    });
  }, [filtered, sort, columns, collator]);

  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages);
  return {
    filter,
    setFilter: (text: string) => {
      setFilterState(text);
      setPage(1);
    },
    sort,
    toggleSort: (key: string) => {
      setSortState((s) =>
        s?.key === key && s.direction === 'ascending'
          ? { key, direction: 'descending' }
          : { key, direction: 'ascending' },
      );
      setPage(1);
    },
    page: current,
    setPage,
    pages,
    pageSize,
    total: sorted.length,
    visible: sorted.slice((current - 1) * pageSize, current * pageSize),
  };
}

/** A sortable, filterable, paginated table on Mantine's Table, with the accessible name `label`. */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  label,
  filterable = false,
  pageSize,
  initialSort,
  empty,
  toolbar,
}: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string | number;
  label: string;
  filterable?: boolean;
  pageSize?: number;
  initialSort?: SortState;
  empty?: ReactNode;
  /** Page controls shown on the filter's row (e.g. server-side filters). */
  toolbar?: ReactNode;
}) {
  const { t, lang } = useI18n();
  const state = useTableState(rows, columns, {
    ...(pageSize ? { pageSize } : {}),
    ...(initialSort ? { initialSort } : {}),
  });
  const number = new Intl.NumberFormat(lang);
  const first = (state.page - 1) * state.pageSize + 1;
  return (
    <div className="data-table">
      {(filterable || toolbar) && (
        <Group align="end" gap="md">
          {toolbar}
          {filterable && (
            <TextInput
              type="search"
              label={t('table.filter')}
              value={state.filter}
              onChange={(e) => state.setFilter(e.currentTarget.value)}
              w={320}
              maw="100%"
              mb="sm"
            />
          )}
        </Group>
      )}
      <Table.ScrollContainer minWidth={0} type="native">
        <Table striped highlightOnHover verticalSpacing="xs" aria-label={label}>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => {
                const sorted = state.sort?.key === c.key ? state.sort.direction : undefined;
                return (
                  <Table.Th
                    key={c.key}
                    scope="col"
                    aria-sort={c.sortValue ? (sorted ?? 'none') : undefined}
                    visibleFrom={c.hideOnPhone ? 'sm' : undefined}
                  >
                    {c.sortValue ? (
                      <UnstyledButton
                        className="sort-button"
                        onClick={() => state.toggleSort(c.key)}
                        aria-label={t('table.sortBy', { column: c.header })}
                      >
                        {c.header}
                        <span aria-hidden className="sort-mark">
                          {sorted === 'ascending' ? '▲' : sorted === 'descending' ? '▼' : '↕'}
                        </span>
                      </UnstyledButton>
                    ) : (
                      c.header
                    )}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {state.visible.map((row) => (
              <Table.Tr key={rowKey(row)}>
                {columns.map((c) =>
                  c.rowHeader ? (
                    <Table.Th key={c.key} scope="row" fw={500} visibleFrom={c.hideOnPhone ? 'sm' : undefined}>
                      {c.render(row)}
                    </Table.Th>
                  ) : (
                    <Table.Td key={c.key} visibleFrom={c.hideOnPhone ? 'sm' : undefined}>
                      {c.render(row)}
                    </Table.Td>
                  ),
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {state.total === 0 && (
        <Text c="dimmed" size="sm" my="sm">
          {empty ?? t('table.empty')}
        </Text>
      )}
      {state.pages > 1 && (
        <Group justify="space-between" mt="sm">
          <Text size="sm" c="dimmed">
            {t('table.shown', {
              from: number.format(first),
              to: number.format(Math.min(state.total, first + state.pageSize - 1)),
              total: number.format(state.total),
            })}
          </Text>
          <nav aria-label={t('table.page')}>
            <Pagination
              total={state.pages}
              value={state.page}
              onChange={state.setPage}
              size="sm"
              getControlProps={(control) => ({ 'aria-label': t(`table.${control}`) })}
              getItemProps={(page) => ({
                'aria-label': t('table.goTo', { page }),
                'aria-current': page === state.page ? 'page' : undefined,
              })}
            />
          </nav>
        </Group>
      )}
    </div>
  );
}
