/** Adds a stylesheet to a shadow root without inline `<style>` (strict CSP): constructable sheets. */
export function adopt(root: ShadowRoot, css: string) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/** `*` matches anything; patterns starting with `http` match the full URL, others the path. */
export function urlMatches(pattern: string, loc: { href: string; pathname: string }): boolean {
  const target = /^https?:/.test(pattern) ? loc.href : loc.pathname;
  const escaped = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(target);
}

/**
 * An `{id, token}` pair kept in this site's localStorage, or this tab's sessionStorage (blocked
 * storage: nothing is kept).
 */
export function storedToken(key: string, where: 'local' | 'session' = 'local') {
  const storage = (() => {
    try {
      return where === 'local' ? window.localStorage : window.sessionStorage;
    } catch {
      return undefined;
    }
  })();
  return {
    load(): { id: string; token: string } | undefined {
      try {
        const s = JSON.parse(storage?.getItem(key) ?? 'null') as { id?: string; token?: string } | null;
        return s?.id && s.token ? { id: s.id, token: s.token } : undefined;
      } catch {
        return undefined;
      }
    },
    save(s?: { id: string; token: string }) {
      if (s) storage?.setItem(key, JSON.stringify(s));
      else storage?.removeItem(key);
    },
  };
}

/** A DOM element with attributes (`class`, `text` are shortcuts) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}
