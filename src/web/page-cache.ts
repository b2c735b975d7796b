/** Page data kept at most this long: view counts order the "popular" lists and change without notice. */
const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Content-derived page data (what the database says about an article, a category, the home page),
 * read once per content change instead of once per request. `version` names the content's state —
 * the search index's generation and the category changes, both bumped on every node by the change
 * notifications — and a new version drops every entry. Loads are shared by concurrent requests.
 */
export function pageCache(version: () => string) {
  let cachedAt = version();
  let entries = new Map<string, { until: number; value: Promise<unknown> }>();
  return function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const current = version();
    if (current !== cachedAt || entries.size >= MAX_ENTRIES) {
      entries = new Map();
      cachedAt = current;
    }
    const hit = entries.get(key);
    if (hit && hit.until > now) return hit.value as Promise<T>;
    const value = load();
    const entry = { until: now + MAX_AGE_MS, value };
    const held = entries;
    held.set(key, entry);
    value.catch(() => {
      if (held.get(key) === entry) held.delete(key);
    });
    return value;
  };
}
