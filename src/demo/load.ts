import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../db/client.ts';
import type { Visibility } from '../db/schema.ts';
import {
  articleIdsByKey,
  type ImportBundle,
  importContent,
  isKnowledgeBaseEmpty,
} from '../modules/kb/service.ts';
import { listLocales, putBranding } from '../modules/settings/service.ts';
import { listStaff } from '../modules/staff/service.ts';
import type { Actor } from '../server/access.ts';
import { loadDemoActions } from './actions.ts';
import { loadDemoCustomer } from './customers.ts';
import { DEMO_BRANDING, DEMO_WORK_IN_PROGRESS } from './extras.ts';
import { loadDemoFlows } from './flows.ts';
import { loadDemoHistory } from './history.ts';
import { loadDemoStatus } from './status.ts';

const contentDir = fileURLToPath(new URL('./content', import.meta.url));

interface LocalizedAnswer {
  slug: string;
  title: string;
  shortAnswer: string;
  body: string;
  formulations: string[];
  /** Held-out evaluation queries: never loaded as content. */
  testQueries?: string[];
}
interface DemoFile {
  category: {
    key: string;
    order: number;
    icon?: string;
    [locale: string]: unknown;
  };
  answers: Array<{
    key: string;
    tags: string[];
    visibility: Visibility;
    segments: string[];
    [locale: string]: unknown;
  }>;
}

/** The demo's category files (out-of-scope.json is evaluation data, not content). */
export function readDemoFiles(): DemoFile[] {
  return readdirSync(contentDir)
    .filter((f) => f.endsWith('.json') && f !== 'out-of-scope.json')
    .sort()
    .map((f) => JSON.parse(readFileSync(`${contentDir}/${f}`, 'utf8')) as DemoFile)
    .sort((a, b) => a.category.order - b.category.order);
}

const addDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Builds the import bundle: categories, answers in every configured locale, a few drafts. */
export function demoBundle(locales: string[], ownerId: string | null): ImportBundle {
  const files = readDemoFiles();
  const bundle: ImportBundle = { categories: [], articles: [] };
  for (const file of files) {
    const c = file.category;
    const translations: ImportBundle['categories'][number]['translations'] = {};
    for (const locale of locales) {
      const t = c[locale] as { slug: string; title: string; description: string } | undefined;
      if (t) translations[locale] = { slug: t.slug, title: t.title, description: t.description };
    }
    bundle.categories.push({ key: c.key, icon: c.icon, translations });
    for (const [i, answer] of file.answers.entries()) {
      for (const locale of locales) {
        const l = answer[locale] as LocalizedAnswer | undefined;
        if (!l) continue;
        // Explicit fields only: `testQueries` must never reach the knowledge base.
        bundle.articles.push({
          group: answer.key,
          key: answer.key,
          categoryKey: c.key,
          locale,
          slug: l.slug,
          title: l.title,
          shortAnswer: l.shortAnswer,
          body: l.body,
          formulations: l.formulations,
          tags: answer.tags,
          visibility: answer.visibility,
          segments: answer.segments,
          status: 'published',
          ownerId,
          // A couple of answers are overdue for review, so the console's reminders have something to show.
          reviewBy: addDays(i === 0 ? -7 : 90 + i * 7),
        });
      }
    }
  }
  for (const wip of DEMO_WORK_IN_PROGRESS) {
    for (const locale of locales) {
      const l = wip[locale as 'fr' | 'en'];
      if (!l) continue;
      bundle.articles.push({
        ...l,
        group: wip.key,
        key: wip.key,
        categoryKey: wip.categoryKey,
        locale,
        tags: wip.tags,
        visibility: wip.visibility,
        status: wip.status,
        ownerId,
      });
    }
  }
  return bundle;
}

/**
 * Loads the Nuvia demo into a knowledge base that is still empty (idempotent: a second start, or a
 * database with content of its own, is left alone). Articles are owned by the first admin.
 */
export async function loadDemoContent(
  db: Db,
  options: { publicUrl: string; history?: boolean },
): Promise<{ loaded: boolean; articles?: number }> {
  if (!(await isKnowledgeBaseEmpty(db))) return { loaded: false };
  const admin = (await listStaff(db)).find((u) => u.role === 'admin' && u.active);
  const actor: Actor = admin
    ? { kind: 'user', id: admin.id, role: 'admin', permissions: new Set(), sessionId: '', csrfToken: '' }
    : { kind: 'anonymous' };
  await putBranding(db, DEMO_BRANDING);
  const result = await importContent(db, actor, demoBundle(await listLocales(db), admin?.id ?? null));
  const ids = await articleIdsByKey(db);
  const articleId = (key: string, locale: 'fr' | 'en') => ids.get(`${key}.${locale}`);
  const { flowIds } = await loadDemoFlows(db, { publicUrl: options.publicUrl, articleId });
  // Status page (issue 19): Nuvia components and a 90-day history.
  await loadDemoStatus(db, actor, options.publicUrl);
  // Customer accounts and the portal (issue 18)
  await loadDemoCustomer(db, actor, options.publicUrl);
  // Ninety days of analytics, removable in one click from the console (issue 16).
  if (options.history ?? true) await loadDemoHistory(db, { articleId, flowIds });
  // Self-service actions (issue 18)
  await loadDemoActions(db, actor);
  return { loaded: true, articles: result.articles };
}
