import { createHmac } from 'node:crypto';
import { openDatabase } from '../src/db/client.ts';
import { loadDemoContent } from '../src/demo/load.ts';
import { findArticlesForDisplay, listIndexableArticles } from '../src/modules/kb/service.ts';
import searchPlugin from '../src/modules/search/plugin.ts';
import { ensureFirstAdmin } from '../src/modules/staff/service.ts';
import { buildApp } from '../src/server/app.ts';
import { LogCapture, scratchDatabaseUrl, type TestApp, testConfig } from './helpers.ts';

/**
 * An app with the Nuvia demo content and a search index over it. Until main wires the search plugin
 * to the knowledge base, this registers it with the knowledge base's own engine feed.
 */
export async function createWidgetTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const scratch = await scratchDatabaseUrl();
  const config = { ...testConfig(overrides), databaseUrl: scratch.url };
  const logs = new LogCapture();
  const database = await openDatabase(config.databaseUrl, config.dataDir);
  await database.migrate();
  await ensureFirstAdmin(database.db, config.admin);
  await loadDemoContent(database.db);
  const app = await buildApp({ config, database, logStream: logs });
  if (!app.hasDecorator('searchIndex')) {
    await app.register(searchPlugin, {
      source: {
        load: (ids?: string[]) => listIndexableArticles(app.db, ids),
        cards: (ids: string[]) => findArticlesForDisplay(app.db, ids),
      },
    });
  }
  await app.ready();
  return {
    app,
    logs,
    close: async () => {
      await app.close();
      await scratch.drop();
    },
  };
}

/** What a host's server does (README "Identify customers"), written independently of Relais's code. */
export function hostSignature(
  secret: string,
  c: { id: string; email?: string; segments: string[]; issuedAt: number },
): string {
  const payload = `v1\n${c.id}\n${c.email ?? ''}\n${c.segments.join(',')}\n${c.issuedAt}`;
  return createHmac('sha256', secret).update(payload).digest('hex');
}
