import { Button } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type DragEvent, type ReactNode, useState } from 'react';
import { Link } from 'react-router';
import { type Category, put } from '../api.ts';
import { categoryTitle, sectionTitle, useCategories } from '../content.ts';
import { useI18n } from '../i18n.tsx';
import { useCan } from '../session.tsx';
import { Alert, PageTitle, QueryError } from '../ui.tsx';

function moved<T>(items: T[], from: number, to: number): T[] {
  const next = [...items];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(to, 0, item);
  return next;
}

/**
 * A reorderable list: drag and drop with the mouse, or Move up / Move down buttons with the keyboard.
 * The new order is applied at once (optimistic) and saved; a refusal puts the old order back.
 */
function OrderedList<T extends { id: string }>({
  items,
  label,
  nameOf,
  onOrder,
  editable,
  children,
}: {
  items: T[];
  label: string;
  nameOf: (item: T) => string;
  onOrder: (items: T[]) => void;
  editable: boolean;
  children?: (item: T) => ReactNode;
}) {
  const { t } = useI18n();
  const [dragging, setDragging] = useState<number | null>(null);
  const drop = (e: DragEvent, to: number) => {
    e.preventDefault();
    if (dragging !== null && dragging !== to) onOrder(moved(items, dragging, to));
    setDragging(null);
  };
  return (
    <ol className="ordered" aria-label={label}>
      {items.map((item, i) => (
        <li
          key={item.id}
          draggable={editable}
          onDragStart={(e) => {
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', item.id);
            setDragging(i);
          }}
          onDragOver={(e) => editable && e.preventDefault()}
          onDrop={(e) => drop(e, i)}
          onDragEnd={() => setDragging(null)}
          className={dragging === i ? 'dragging' : undefined}
        >
          <div className="ordered-row">
            {editable && (
              <span className="grip" aria-hidden="true">
                ⠿
              </span>
            )}
            <span className="ordered-name">{nameOf(item)}</span>
            {editable && (
              <span className="buttons">
                <Button
                  variant="default"
                  type="button"
                  disabled={i === 0}
                  aria-label={t('cats.up', { name: nameOf(item) })}
                  onClick={() => onOrder(moved(items, i, i - 1))}
                >
                  ↑
                </Button>
                <Button
                  variant="default"
                  type="button"
                  disabled={i === items.length - 1}
                  aria-label={t('cats.down', { name: nameOf(item) })}
                  onClick={() => onOrder(moved(items, i, i + 1))}
                >
                  ↓
                </Button>
              </span>
            )}
          </div>
          {children?.(item)}
        </li>
      ))}
    </ol>
  );
}

export function Categories() {
  const { t, lang } = useI18n();
  const can = useCan();
  const qc = useQueryClient();
  const categories = useCategories();
  const [status, setStatus] = useState<string | undefined>();
  const editable = can('content:write');

  const save = useMutation({
    mutationFn: ({ path, ids }: { path: string; ids: string[]; next: Category[] }) =>
      put<void>(path, { ids }),
    onMutate: async ({ next }) => {
      setStatus(undefined);
      await qc.cancelQueries({ queryKey: ['categories'] });
      const before = qc.getQueryData(['categories']);
      qc.setQueryData(['categories'], { items: next });
      return { before };
    },
    onError: (_e, _v, ctx) => qc.setQueryData(['categories'], ctx?.before),
    onSuccess: () => setStatus(t('cats.saved')),
    onSettled: () => qc.invalidateQueries({ queryKey: ['categories'] }),
  });

  const cats = categories.data ?? [];
  return (
    <section>
      <PageTitle title={t('cats.title')}>{t('cats.title')}</PageTitle>
      <p>
        <Link to="/content">{t('cats.back')}</Link>
      </p>
      {editable && <p className="hint">{t('cats.hint')}</p>}
      <div aria-live="polite">
        {status && <Alert kind="success">{status}</Alert>}
        {save.error && <Alert>{save.error.message}</Alert>}
      </div>
      {categories.error && <QueryError error={categories.error} />}
      {categories.isPending && <p>{t('common.loading')}</p>}
      <OrderedList
        items={cats}
        label={t('cats.title')}
        editable={editable}
        nameOf={(c) => categoryTitle(c, lang)}
        onOrder={(next) => save.mutate({ path: '/categories/order', ids: next.map((c) => c.id), next })}
      >
        {(c) =>
          c.sections.length > 0 && (
            <OrderedList
              items={c.sections}
              label={t('cats.sections', { name: categoryTitle(c, lang) })}
              editable={editable}
              nameOf={(s) => sectionTitle(s.titles, lang)}
              onOrder={(sections) =>
                save.mutate({
                  path: `/categories/${c.id}/sections/order`,
                  ids: sections.map((s) => s.id),
                  next: cats.map((x) => (x.id === c.id ? { ...x, sections } : x)),
                })
              }
            />
          )
        }
      </OrderedList>
    </section>
  );
}
