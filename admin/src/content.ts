import { useQuery } from '@tanstack/react-query';
import { type Category, get } from './api.ts';

/** Shared look-ups of the content screens (cached for the session). */
export function useLocales() {
  return useQuery({
    queryKey: ['locales'],
    queryFn: () => get<{ items: string[] }>('/locales'),
    staleTime: 300_000,
    select: (d) => d.items,
  });
}

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: () => get<{ items: Category[] }>('/categories'),
    select: (d) => d.items,
  });
}

/** A category's title in `lang`, else in any locale it has. */
export function categoryTitle(c: Category, lang: string): string {
  return c.translations[lang]?.title ?? Object.values(c.translations)[0]?.title ?? c.key ?? c.id.slice(0, 8);
}

export function sectionTitle(titles: Record<string, string>, lang: string): string {
  return titles[lang] ?? Object.values(titles)[0] ?? '';
}

/** `Un titre : l'été !` → `un-titre-l-ete` (the server's slug rule: a-z, 0-9, dashes). */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
}
