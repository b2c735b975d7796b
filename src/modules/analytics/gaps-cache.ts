import type { Gap } from './content.ts';
import type { Filters } from './repository.ts';

/** What the console is shown: the last computed gaps for these filters, and whether newer are coming. */
export interface GapsSnapshot {
  items: Gap[];
  /** When `items` were computed; null while the first computation for these filters runs. */
  computedAt: string | null;
  /** A computation for these filters is under way: ask again shortly for fresher items. */
  refreshing: boolean;
}

export interface GapsCacheOptions {
  /** Age after which a read starts a background refresh (the stale items are still answered). */
  ttlMs?: number;
  /** How long the first read for new filters waits for its computation before answering `refreshing`. */
  firstWaitMs?: number;
  /** Filter combinations kept (least recently computed dropped first). */
  maxEntries?: number;
  now?: () => number;
  /**
   * What the items were computed from (the search index's generation): when it moves on, the items
   * are stale. Content changes reach the index asynchronously, so this, not the change notification,
   * says when a fresh computation will see them.
   */
  sourceVersion?: () => number;
}

/**
 * Content gaps off the request path: each filter combination is computed once in the background and
 * served from memory (stale-while-revalidate). A request never waits for a computation longer than
 * `firstWaitMs`; one computation runs per filters at a time; `invalidate` marks everything stale after
 * a one-click fix so the next read refreshes it.
 */
export class GapsCache {
  readonly #entries = new Map<
    string,
    { items: Gap[]; computedAt: number; stale: boolean; sourceVersion: number }
  >();
  #generation = 0;
  readonly #running = new Map<string, Promise<void>>();
  readonly #ttlMs: number;
  readonly #firstWaitMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #sourceVersion: () => number;

  constructor(
    private readonly compute: (f: Filters) => Promise<Gap[]>,
    private readonly onError: (err: unknown) => void,
    options: GapsCacheOptions = {},
  ) {
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#firstWaitMs = options.firstWaitMs ?? 1_000;
    this.#maxEntries = options.maxEntries ?? 64;
    this.#now = options.now ?? Date.now;
    this.#sourceVersion = options.sourceVersion ?? (() => 0);
  }

  async read(f: Filters): Promise<GapsSnapshot> {
    const key = keyOf(f);
    let entry = this.#entries.get(key);
    const outdated = (e: NonNullable<typeof entry>) =>
      e.stale || e.sourceVersion !== this.#sourceVersion() || this.#now() - e.computedAt >= this.#ttlMs;
    if (!entry || outdated(entry)) {
      const running = this.refresh(f);
      if (!entry) {
        await Promise.race([running, new Promise((resolve) => setTimeout(resolve, this.#firstWaitMs))]);
        entry = this.#entries.get(key);
      }
    }
    return {
      items: entry?.items ?? [],
      computedAt: entry ? new Date(entry.computedAt).toISOString() : null,
      refreshing: this.#running.has(key),
    };
  }

  /** Starts (or joins) the computation for these filters; resolves when it has settled. */
  refresh(f: Filters): Promise<void> {
    const key = keyOf(f);
    const running = this.#running.get(key);
    if (running) return running;
    const started = this.#now();
    const generation = this.#generation;
    const sourceVersion = this.#sourceVersion();
    const job = this.compute(f)
      .then((items) => {
        this.#entries.delete(key);
        // Content changed while it ran: served, but refreshed at the next read.
        this.#entries.set(key, {
          items,
          computedAt: started,
          stale: generation !== this.#generation,
          sourceVersion,
        });
        if (this.#entries.size > this.#maxEntries) {
          this.#entries.delete(this.#entries.keys().next().value as string);
        }
      })
      .catch(this.onError)
      .finally(() => this.#running.delete(key));
    this.#running.set(key, job);
    return job;
  }

  /** Content changed: every entry is stale (still served) until its next read refreshes it. */
  invalidate(): void {
    this.#generation++;
    for (const entry of this.#entries.values()) entry.stale = true;
  }
}

const keyOf = (f: Filters) => JSON.stringify([f.from, f.to, f.locale, f.channel, f.segment]);
