import { markdownToText, numberedSteps, renderMarkdown } from '../modules/kb/markdown.ts';
import {
  type ArticleRow,
  type ArticleSummary,
  articlePath,
  type CategoryWithTranslations,
  categoryPath,
  type SectionRow,
} from '../modules/kb/service.ts';
import { typeset } from '../shared/typography.ts';
import { html, type SafeHtml, trusted } from './html.ts';
import { formatDate, t } from './i18n.ts';
import { layout, type PageMeta, type Site } from './layout.ts';

const clip = (text: string, max = 160) =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

function faqPage(site: Site, questions: ArticleSummary[]) {
  return {
    '@context': 'https://schema.org',
    '@type': 'FAQPage',
    mainEntity: questions.map((a) => ({
      '@type': 'Question',
      name: a.title,
      url: `${site.publicUrl}${articlePath(a)}`,
      acceptedAnswer: { '@type': 'Answer', text: a.shortAnswer },
    })),
  };
}

function breadcrumbList(site: Site, items: Array<{ name: string; path: string }>) {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: items.map((item, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      name: item.name,
      item: `${site.publicUrl}${item.path}`,
    })),
  };
}

function breadcrumbs(locale: string, items: Array<{ name: string; path: string }>): SafeHtml {
  return html`<nav class="breadcrumbs" aria-label="${t(locale).breadcrumb}"><ol>${items.map((item, i) =>
    i === items.length - 1
      ? html`<li><a href="${item.path}" aria-current="page">${item.name}</a></li>`
      : html`<li><a href="${item.path}">${item.name}</a></li>`,
  )}</ol></nav>`;
}

const articleLinks = (list: ArticleSummary[]) =>
  html`<ul class="article-list">${list.map((a) => html`<li><a href="${articlePath(a)}">${typeset(a.locale, a.title)}</a></li>`)}</ul>`;

// ── pages ──

export interface HomeData {
  categories: Array<{ category: CategoryWithTranslations; count: number }>;
  top: ArticleSummary[];
  /** Segment articles the signed-in customer's plan grants (issue 18). */
  recommended?: ArticleSummary[];
}

export function homePage(site: Site, locale: string, data: HomeData): string {
  const s = t(locale);
  const meta: PageMeta = {
    locale,
    title: s.helpCentre,
    description: `${s.helpCentre} ${site.branding.name}: ${data.categories
      .map((c) => c.category.translations[locale]?.title)
      .join(', ')}.`,
    path: `/${locale}`,
    alternates: site.locales.map((l) => ({ locale: l, path: `/${l}` })),
    jsonLd: data.top.length ? [faqPage(site, data.top)] : [],
  };
  const main = html`<h1>${s.helpCentre} ${site.branding.name}</h1>
${data.recommended?.length ? html`<section aria-labelledby="recommended-title" id="recommended"><h2 id="recommended-title">${s.recommended}</h2>${articleLinks(data.recommended)}</section>` : ''}
<section aria-labelledby="categories-title">
<h2 id="categories-title">${s.categories}</h2>
<ul class="cards">${data.categories.map(({ category, count }) => {
    const tr = category.translations[locale]!;
    return html`<li class="card"><a href="${categoryPath(locale, tr.slug)}"><span class="card-title">${typeset(locale, tr.title)}</span></a><p>${tr.description}</p><p class="muted">${count} ${s.articles.toLowerCase()}</p></li>`;
  })}</ul>
</section>
${data.top.length ? html`<section aria-labelledby="top-title"><h2 id="top-title">${s.topQuestions}</h2>${articleLinks(data.top)}</section>` : ''}`;
  return layout(site, meta, main);
}

export interface CategoryData {
  category: CategoryWithTranslations;
  sections: SectionRow[];
  articles: ArticleSummary[];
}

export function categoryPage(site: Site, locale: string, data: CategoryData): string {
  const s = t(locale);
  const tr = data.category.translations[locale]!;
  const path = categoryPath(locale, tr.slug);
  const crumbs = [
    { name: s.home, path: `/${locale}` },
    { name: tr.title, path },
  ];
  const meta: PageMeta = {
    locale,
    title: tr.title,
    description: clip(tr.description || tr.title),
    path,
    alternates: site.locales.flatMap((l) => {
      const other = data.category.translations[l];
      return other ? [{ locale: l, path: categoryPath(l, other.slug) }] : [];
    }),
    jsonLd: [
      breadcrumbList(site, crumbs),
      ...(data.articles.length ? [faqPage(site, data.articles.slice(0, 10))] : []),
    ],
  };
  const groups = [
    ...data.sections.map((sec) => ({
      title: sec.titles[locale] ?? Object.values(sec.titles)[0] ?? '',
      list: data.articles.filter((a) => a.sectionId === sec.id),
    })),
    {
      title: data.sections.length ? s.articles : '',
      list: data.articles.filter((a) => !a.sectionId || !data.sections.some((x) => x.id === a.sectionId)),
    },
  ].filter((g) => g.list.length);
  const main = html`${breadcrumbs(locale, crumbs)}
<h1>${typeset(locale, tr.title)}</h1>
${tr.description ? html`<p class="lead">${tr.description}</p>` : ''}
${groups.map((g, i) =>
  g.title
    ? html`<section aria-labelledby="section-${i}"><h2 id="section-${i}">${typeset(locale, g.title)}</h2>${articleLinks(g.list)}</section>`
    : articleLinks(g.list),
)}`;
  return layout(site, meta, main);
}

export interface ArticleData {
  article: ArticleRow;
  category: CategoryWithTranslations | undefined;
  translations: ArticleSummary[];
  related: ArticleSummary[];
  feedbackSent: boolean;
}

export function articlePage(site: Site, data: ArticleData): string {
  const { article: a, category } = data;
  const locale = a.locale;
  const s = t(locale);
  const path = articlePath(a);
  const ctr = category?.translations[locale];
  const crumbs = [
    { name: s.home, path: `/${locale}` },
    ...(ctr ? [{ name: ctr.title, path: categoryPath(locale, ctr.slug) }] : []),
    { name: a.title, path },
  ];
  const steps = numberedSteps(a.body);
  const url = `${site.publicUrl}${path}`;
  const main = steps.length
    ? {
        '@context': 'https://schema.org',
        '@type': 'HowTo',
        name: a.title,
        description: a.shortAnswer,
        inLanguage: locale,
        url,
        step: steps.map((text, i) => ({ '@type': 'HowToStep', position: i + 1, text })),
      }
    : {
        '@context': 'https://schema.org',
        '@type': 'Article',
        headline: a.title,
        description: a.shortAnswer,
        inLanguage: locale,
        url,
        dateModified: a.updatedAt.toISOString(),
        ...(a.publishedAt ? { datePublished: a.publishedAt.toISOString() } : {}),
        publisher: { '@type': 'Organization', name: site.branding.name },
        articleBody: clip(markdownToText(a.body), 5000),
      };
  const meta: PageMeta = {
    locale,
    title: a.title,
    description: clip(a.shortAnswer),
    path,
    alternates: data.translations.map((tr) => ({ locale: tr.locale, path: articlePath(tr) })),
    jsonLd: [main, breadcrumbList(site, crumbs)],
  };
  const content = html`${breadcrumbs(locale, crumbs)}
<article aria-labelledby="article-title">
<h1 id="article-title">${typeset(locale, a.title)}</h1>
<section class="short-answer" aria-labelledby="short-title"><h2 id="short-title">${s.shortAnswer}</h2><p>${a.shortAnswer}</p></section>
<div class="body">${trusted(renderMarkdown(a.body))}</div>
<p class="muted">${s.updated} ${formatDate(a.updatedAt, locale)} · <a href="${path}.md" type="text/markdown">${s.markdown}</a></p>
</article>
<section class="feedback" id="feedback" aria-labelledby="feedback-title">
${
  data.feedbackSent
    ? html`<h2 id="feedback-title">${s.thanks}</h2>`
    : html`<form method="post" action="${path}/feedback">
<fieldset>
<legend id="feedback-title">${s.helpful}</legend>
<div class="choices"><button type="submit" name="helpful" value="yes">${s.yes}</button><button type="submit" name="helpful" value="no">${s.no}</button></div>
<label for="comment">${s.commentLabel}</label>
<textarea id="comment" name="comment" rows="3" maxlength="1000"></textarea>
</fieldset>
</form>`
}
</section>
${data.related.length ? html`<section aria-labelledby="related-title"><h2 id="related-title">${s.related}</h2>${articleLinks(data.related)}</section>` : ''}`;
  return layout(site, meta, content);
}

export interface SearchData {
  query: string;
  /** Result cards; `url` is the article's help-centre path. */
  results: Array<{ url: string; title: string; shortAnswer: string }>;
  unsure: boolean;
}

export function searchPage(site: Site, locale: string, data: SearchData): string {
  const s = t(locale);
  const meta: PageMeta = {
    locale,
    title: data.query ? `${s.searchTitle} : ${data.query}` : s.searchTitle,
    description: s.searchTitle,
    path: `/${locale}/search`,
    alternates: site.locales.map((l) => ({ locale: l, path: `/${l}/search` })),
    noindex: true,
  };
  // No question yet, or nothing found: say what to do next rather than show an empty page.
  const contact = `/${locale}/contact${data.query ? `?subject=${encodeURIComponent(data.query)}` : ''}`;
  const guidance = html`<section class="search-help" aria-labelledby="search-help-title">
<h2 id="search-help-title">${s.tipsTitle}</h2>
<ul>${s.tips.map((tip) => html`<li>${typeset(locale, tip)}</li>`)}</ul>
<p><a href="/${locale}">${s.browseTopics}</a> · <a href="${contact}">${s.askAdvisor}</a></p>
</section>`;
  const main = html`<h1>${s.searchTitle}</h1>
${
  data.query
    ? html`<p role="status">${data.results.length ? s.resultsFor(data.query, data.results.length) : typeset(locale, s.noResults)}</p>
${data.unsure && data.results.length ? html`<p class="notice">${typeset(locale, s.unsure)}</p>` : ''}
<ol class="results">${data.results.map(
        (r) =>
          html`<li><h2><a href="${r.url}">${typeset(locale, r.title)}</a></h2><p>${r.shortAnswer}</p></li>`,
      )}</ol>`
    : html`<p role="status">${typeset(locale, s.searchPrompt)}</p>`
}
${data.results.length ? '' : guidance}`;
  return layout(site, meta, main, { search: data.query });
}

export function errorPage(site: Site, locale: string, kind: 'not-found' | 'error', path: string): string {
  const s = t(locale);
  const title = kind === 'not-found' ? s.notFoundTitle : s.errorTitle;
  const meta: PageMeta = {
    locale,
    title,
    description: title,
    path,
    alternates: [],
    noindex: true,
  };
  return layout(
    site,
    meta,
    html`<h1>${title}</h1><p>${kind === 'not-found' ? s.notFoundBody : s.errorBody}</p><p><a href="/${locale}">${s.home}</a></p>`,
  );
}
