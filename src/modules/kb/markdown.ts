import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/** Hosts whose players may be embedded in an article (also the help centre's CSP `frame-src`). */
export const EMBED_HOSTS = ['www.youtube.com', 'www.youtube-nocookie.com', 'youtube.com', 'player.vimeo.com'];

// Raw HTML is parsed so editors can embed a video, then everything goes through the allow-list below:
// the sanitizer, not markdown-it, is the security boundary.
const md = new MarkdownIt({ html: true, linkify: true, typographer: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'strong',
    'em',
    'b',
    'i',
    's',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'iframe',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    iframe: ['src', 'title', 'width', 'height', 'allowfullscreen'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['http', 'https'], iframe: ['https'] },
  allowProtocolRelative: false,
  allowedIframeHostnames: EMBED_HOSTS,
  allowIframeRelativeUrls: false,
  disallowedTagsMode: 'discard',
  // An iframe whose source was refused is dropped altogether, not left as an empty frame.
  exclusiveFilter: (frame) => frame.tag === 'iframe' && !frame.attribs.src,
  transformTags: {
    // An article's h1 is its title: demote headings so the page outline stays valid.
    h1: 'h2',
    a: (tagName, attribs) => {
      const external = /^https?:\/\//i.test(attribs.href ?? '');
      return {
        tagName,
        attribs: external ? { ...attribs, rel: 'noopener noreferrer nofollow' } : attribs,
      };
    },
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy' } }),
  },
};
SANITIZE.allowedAttributes = {
  ...(SANITIZE.allowedAttributes as Record<string, string[]>),
  a: ['href', 'title', 'rel'],
  img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
};

/**
 * Article Markdown → safe HTML: no script, no event handler, no `javascript:` URL; iframes only from
 * the video hosts above. Used by the help centre and the console's preview endpoint.
 */
export function renderMarkdown(markdown: string): string {
  return rendered.get(markdown, () => sanitizeHtml(md.render(markdown), SANITIZE));
}

/** Markdown → plain text (for meta descriptions, JSON-LD answers and the search fallback). */
export function markdownToText(markdown: string): string {
  return texts.get(markdown, () => toText(markdown));
}

/**
 * Rendering depends only on the Markdown: each distinct body is rendered once, then served from
 * memory, least recently used dropped past a budget of characters (bodies and results). An edited
 * article is a new body, so nothing needs invalidating; pages stop paying markdown-it and the
 * sanitizer on every view.
 */
export const RENDER_CACHE_CHARS = 8_000_000;

class RenderCache {
  readonly #entries = new Map<string, string>();
  #chars = 0;

  get(key: string, compute: () => string): string {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const value = compute();
    const size = key.length + value.length;
    if (size > RENDER_CACHE_CHARS / 8) return value; // a huge body is rendered, not kept
    this.#entries.set(key, value);
    this.#chars += size;
    for (const [k, v] of this.#entries) {
      if (this.#chars <= RENDER_CACHE_CHARS) break;
      this.#entries.delete(k);
      this.#chars -= k.length + v.length;
    }
    return value;
  }
}

const rendered = new RenderCache();
const texts = new RenderCache();

function toText(markdown: string): string {
  return sanitizeHtml(md.render(markdown), { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** The numbered steps of a procedure (a top-level ordered list of ≥ 2 items), for HowTo JSON-LD. */
export function numberedSteps(markdown: string): string[] {
  const steps = markdown
    .split('\n')
    .filter((l) => /^\d+[.)]\s+/.test(l))
    .map((l) => markdownToText(l.replace(/^\d+[.)]\s+/, '')));
  return steps.length >= 2 ? steps : [];
}
