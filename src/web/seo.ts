import {
  type ArticleRow,
  type ArticleSummary,
  articlePath,
  type CategoryWithTranslations,
  categoryPath,
} from '../modules/kb/service.ts';
import { escapeHtml } from './html.ts';
import { t } from './i18n.ts';
import type { Site } from './layout.ts';

const xml = escapeHtml;

/** sitemap.xml: homes, categories and public published articles, each with its hreflang alternates. */
export function sitemap(
  site: Site,
  categories: CategoryWithTranslations[],
  articles: ArticleSummary[],
): string {
  const entries: Array<{
    path: string;
    lastmod?: Date;
    alternates: Array<{ locale: string; path: string }>;
  }> = [];
  const homes = site.locales.map((l) => ({ locale: l, path: `/${l}` }));
  for (const h of homes) entries.push({ path: h.path, alternates: homes });
  for (const c of categories) {
    const alts = site.locales.flatMap((l) => {
      const tr = c.translations[l];
      return tr && articles.some((a) => a.categoryId === c.id && a.locale === l)
        ? [{ locale: l, path: categoryPath(l, tr.slug) }]
        : [];
    });
    for (const a of alts) entries.push({ path: a.path, alternates: alts });
  }
  const groups = new Map<string, ArticleSummary[]>();
  for (const a of articles) groups.set(a.translationGroup, [...(groups.get(a.translationGroup) ?? []), a]);
  for (const a of articles) {
    const alts = (groups.get(a.translationGroup) ?? []).map((x) => ({
      locale: x.locale,
      path: articlePath(x),
    }));
    entries.push({ path: articlePath(a), lastmod: a.updatedAt, alternates: alts });
  }
  const body = entries
    .map(
      (e) =>
        `<url><loc>${xml(site.publicUrl + e.path)}</loc>${e.lastmod ? `<lastmod>${e.lastmod.toISOString()}</lastmod>` : ''}${
          e.alternates.length > 1
            ? e.alternates
                .map(
                  (a) =>
                    `<xhtml:link rel="alternate" hreflang="${xml(a.locale)}" href="${xml(site.publicUrl + a.path)}"/>`,
                )
                .join('')
            : ''
        }</url>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${body}\n</urlset>\n`;
}

export function robots(site: Site): string {
  return `User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /admin/\nDisallow: /*/search\n\nSitemap: ${site.publicUrl}/sitemap.xml\n`;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** llms.txt (llmstxt.org): what the help centre covers, with links to each answer's Markdown view. */
export function llmsTxt(
  site: Site,
  categories: CategoryWithTranslations[],
  articles: ArticleSummary[],
): string {
  const lines = [
    `# ${site.branding.name}`,
    '',
    `> ${site.locales.map((l) => t(l).helpCentre).join(' / ')} ${site.branding.name}. Each link below is the Markdown version of a published answer: a short answer first, then the details.`,
    '',
  ];
  for (const locale of site.locales) {
    for (const c of categories) {
      const tr = c.translations[locale];
      const list = articles.filter((a) => a.locale === locale && a.categoryId === c.id);
      if (!tr || !list.length) continue;
      lines.push(`## ${oneLine(tr.title)} (${locale})`, '');
      for (const a of list) {
        lines.push(
          `- [${oneLine(a.title)}](${site.publicUrl}${articlePath(a)}.md): ${oneLine(a.shortAnswer)}`,
        );
      }
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The Markdown view of an article: what an LLM or a script should read. */
export function articleMarkdown(site: Site, a: ArticleRow): string {
  return `# ${oneLine(a.title)}\n\n> ${oneLine(a.shortAnswer)}\n\n${a.body.trim()}\n\n---\nSource: ${site.publicUrl}${articlePath(a)} (updated ${a.updatedAt.toISOString().slice(0, 10)})\n`;
}
