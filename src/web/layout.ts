import type { Branding } from '../modules/settings/service.ts';
import { statusCopy } from '../modules/status/copy.ts';
import type { StatusBanner } from '../modules/status/service.ts';
import { typeset } from '../shared/typography.ts';
import { html, jsonLd, SafeHtml } from './html.ts';
import { LANGUAGE_NAMES, t } from './i18n.ts';

/** Everything a page shell needs besides its main content. */
export interface PageMeta {
  locale: string;
  title: string;
  description: string;
  /** Path of this page (canonical = publicUrl + path). */
  path: string;
  /** Same page in other locales, for hreflang and the language switcher. */
  alternates: Array<{ locale: string; path: string }>;
  jsonLd?: unknown[];
  /** Pages that must not be indexed (search results, 404). */
  noindex?: boolean;
}

export interface Site {
  branding: Branding;
  locales: string[];
  publicUrl: string;
  /** Bumped with the theme so browsers re-fetch it. */
  themeVersion: string;
  /** Status page: the open incident's banner per locale, read per request (not cached with the site). */
  banners?: Record<string, StatusBanner | null>;
}

/** The incident banner of the status page, shown on every page of the locales it is written in. */
function incidentBanner(site: Site, locale: string): SafeHtml {
  const banner = site.banners?.[locale];
  if (!banner) return html``;
  const c = statusCopy(locale);
  const label = banner.kind === 'maintenance' ? c.bannerMaintenance : c.banner;
  return html`<aside class="incident-banner impact-${banner.impact}" aria-label="${label}"><p><strong>${label}${locale.startsWith('fr') ? '\u00a0:' : ':'}</strong> ${banner.title} (${banner.status}) — <a href="${banner.path}">${c.bannerLink}</a></p></aside>`;
}

function languageSwitcher(site: Site, meta: PageMeta): SafeHtml {
  const s = t(meta.locale);
  const others = site.locales.filter((l) => l !== meta.locale);
  if (!others.length) return html``;
  return html`<nav class="lang" aria-label="${s.language}"><ul>${others.map((l) => {
    const alt = meta.alternates.find((a) => a.locale === l);
    return html`<li><a href="${alt?.path ?? `/${l}`}" hreflang="${l}" lang="${l}">${LANGUAGE_NAMES[l] ?? l}</a></li>`;
  })}</ul></nav>`;
}

/** The page shell: landmarks, skip link, search, language switcher, always-visible contact link. */
export function layout(
  site: Site,
  meta: PageMeta,
  main: SafeHtml,
  options: {
    search?: string;
    /** A page script (same origin), allowed by the page's CSP nonce. */
    script?: { src: string; nonce: string };
    /** A page's own inline script (server-written code, never content), under the CSP nonce. */
    inlineScript?: { code: string; nonce: string };
  } = {},
): string {
  const s = t(meta.locale);
  const { branding } = site;
  const canonical = `${site.publicUrl}${meta.path}`;
  const xDefault = meta.alternates.find((a) => a.locale === site.locales[0]);
  return `<!doctype html>${html`<html lang="${meta.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${typeset(meta.locale, meta.title)} · ${branding.name}</title>
<meta name="description" content="${meta.description}">
${meta.noindex ? html`<meta name="robots" content="noindex">` : html`<link rel="canonical" href="${canonical}">`}
${meta.noindex ? '' : meta.alternates.map((a) => html`<link rel="alternate" hreflang="${a.locale}" href="${site.publicUrl}${a.path}">`)}
${!meta.noindex && xDefault ? html`<link rel="alternate" hreflang="x-default" href="${site.publicUrl}${xDefault.path}">` : ''}
<meta property="og:title" content="${meta.title}">
<meta property="og:description" content="${meta.description}">
<meta property="og:site_name" content="${branding.name}">
<link rel="icon" href="${branding.logoUrl ?? '/favicon.svg'}">
<link rel="stylesheet" href="/assets/helpcentre.css">
<link rel="stylesheet" href="/assets/theme.css?v=${site.themeVersion}">
${(meta.jsonLd ?? []).map((d) => jsonLd(d))}
</head>
<body>
<a class="skip" href="#main">${s.skip}</a>
<header class="site-header">
<div class="bar">
<a class="brand" href="/${meta.locale}">${branding.logoUrl ? html`<img src="${branding.logoUrl}" alt="" width="32" height="32">` : ''}<span>${branding.name}</span></a>
${languageSwitcher(site, meta)}
<a class="account-link" href="/${meta.locale}/account">${s.account}</a>
</div>
<form class="search" role="search" action="/${meta.locale}/search" method="get" data-suggest-label="${s.suggestLabel}" data-suggest-count="${s.suggestCount}">
<label for="q">${s.searchLabel}</label>
<div class="search-row"><input id="q" name="q" type="search" value="${options.search ?? ''}" placeholder="${s.searchPlaceholder}" maxlength="200" autocomplete="off"><button type="submit">${s.searchButton}</button></div>
</form>
</header>
${incidentBanner(site, meta.locale)}
<main id="main" tabindex="-1">
${main}
</main>
<footer class="site-footer">
<aside class="contact-cta" aria-labelledby="contact-cta-title">
<h2 id="contact-cta-title">${s.stillNeedHelp}</h2>
<p><a class="button" href="/${meta.locale}/contact">${s.contactUs}</a></p>
</aside>
<p class="footnote">© ${branding.name} · <a href="/${meta.locale}">${s.helpCentre}</a></p>
</footer>
${options.script ? html`<script src="${options.script.src}" nonce="${options.script.nonce}" defer></script>` : ''}
${options.inlineScript ? html`<script nonce="${options.inlineScript.nonce}">${new SafeHtml(options.inlineScript.code)}</script>` : ''}
<script src="/widget/helpcentre-search.js"${options.script ? html` nonce="${options.script.nonce}"` : ''} defer></script>
</body>
</html>`}`;
}
