import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from './app.ts';
import type { Config } from './config.ts';
import { configureSecretKey } from './crypto/secret-box.ts';
import { openDatabase } from './db/client.ts';
import { loadDemoContent } from './demo/load.ts';
import { ensureFirstAdmin } from './modules/staff/service.ts';
import { configureOutbound } from './net/outbound.ts';

export interface Started {
  app: FastifyInstance;
  /** Present on first run without RELAIS_ADMIN_*: the one-time setup token to print. */
  setupToken?: string;
}

/**
 * Everything between configuration and listening, shared by `npm start` and the tests:
 * open the database, migrate, create the first admin, load the demo content, build the app.
 */
export async function startRelais(
  config: Config,
  options: Omit<BuildOptions, 'config' | 'database'> = {},
): Promise<Started> {
  configureSecretKey({
    key: config.secretKey,
    dataDir: config.dataDir,
    memory: config.databaseUrl === 'memory://',
  });
  configureOutbound(config.outboundAllowlist);
  const database = await openDatabase(config.databaseUrl, config.dataDir);
  try {
    await database.migrate();
    const { setupToken } = await ensureFirstAdmin(database.db, config.admin);
    // Only a knowledge base that is still empty gets the demo: restarts and real content are left alone.
    if (config.demo) {
      await loadDemoContent(database.db, { publicUrl: config.publicUrl, history: config.demoHistory });
    }
    const app = await buildApp({ config, database, ...options });
    await app.ready();
    if (config.databaseUrl?.startsWith('postgres') && !config.secretKey) {
      app.log.warn(
        "RELAIS_SECRET_KEY is not set: secrets at rest use the data directory's secret.key; every node " +
          'sharing this database must have the same key (set RELAIS_SECRET_KEY on each)',
      );
    }
    return setupToken ? { app, setupToken } : { app };
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
}
