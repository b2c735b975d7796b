import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import { appliedMigrationCount, type Database, expectedMigrationCount } from './db/client.ts';
// Self-service actions (issue 18): the demo's endpoint
import demoActionEndpoints from './demo/actions.ts';
import demoLineTest from './demo/line-test.ts';
// Self-service actions (issue 18)
import actionRoutes from './modules/actions/routes.ts';
import { digestDeliveries } from './modules/analytics/digest.ts';
import analyticsJobs from './modules/analytics/plugin.ts';
import analyticsRoutes from './modules/analytics/routes.ts';
import apiKeyRoutes from './modules/api-keys/routes.ts';
import { actorFromApiKey } from './modules/api-keys/service.ts';
import auditRoutes from './modules/audit/routes.ts';
import botFlowRoutes from './modules/bot/flow-routes.ts';
import { createGenerator } from './modules/bot/generative.ts';
import { openAICompatibleProvider } from './modules/bot/llm.ts';
import botRoutes from './modules/bot/routes.ts';
import chatPlugin from './modules/chat/plugin.ts';
import chatRoutes from './modules/chat/routes.ts';
// Customer accounts and the portal (issue 18)
import { customerDeliveries } from './modules/customers/deliveries.ts';
import customerRoutes from './modules/customers/routes.ts';
import { actorFromCustomerSession } from './modules/customers/sign-in.ts';
import { ticketDeliveries } from './modules/escalation/deliveries.ts';
import escalationRoutes from './modules/escalation/routes.ts';
// Fast paths (issue 24)
import eventBuffer from './modules/events/buffer.ts';
import journeyJobs from './modules/journey/plugin.ts';
import kbRoutes from './modules/kb/routes.ts';
import { findArticlesForDisplay, listIndexableArticles } from './modules/kb/service.ts';
import articleViews from './modules/kb/view-counter.ts';
import outboxRoutes from './modules/outbox/routes.ts';
import { registerOutbox } from './modules/outbox/worker.ts';
import { embeddingProviderFrom } from './modules/search/embeddings.ts';
import searchPlugin, { type SearchSource } from './modules/search/plugin.ts';
import searchRoutes from './modules/search/routes.ts';
import settingsRoutes from './modules/settings/routes.ts';
import staffRoutes from './modules/staff/routes.ts';
import { actorFromSession } from './modules/staff/service.ts';
// Status page (issue 19)
import statusJobs from './modules/status/plugin.ts';
import statusRoutes from './modules/status/routes.ts';
import { statusDeliveries } from './modules/status/service.ts';
import widgetRoutes from './modules/widget/routes.ts';
import adminConsole from './server/admin-console.ts';
import auth from './server/auth.ts';
import dbPlugin from './server/db-plugin.ts';
import errors from './server/errors.ts';
import health from './server/health.ts';
import { loggerOptions } from './server/logging.ts';
import openapi from './server/openapi.ts';
import sharedRateLimit from './server/shared-rate-limit.ts';
import textEdge from './server/text-edge.ts';
import accountPages from './web/account.ts';
import contactPages from './web/contact.ts';
import helpCentre from './web/routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export interface BuildOptions {
  config: Config;
  database: Database;
  /** Where logs go (default stdout); tests pass a stream to inspect them. */
  logStream?: DestinationStream;
  /** Feed of the matching engine; absent → the knowledge base. Tests may pass a fixed list of documents. */
  searchSource?: SearchSource;
  /** Start the outbox worker (default true); tests drive deliveries themselves. */
  outboxWorker?: boolean;
  /** Staff security (issue 24): the clock of sign-in throttling and two-factor codes; tests move it. */
  now?: () => Date;
  /** Status page: the clock of the maintenance job (tests also call `app.statusJobs.tick(now)`). */
  statusClock?: () => Date;
}

/**
 * The composition root: assembles Relais from cross-cutting plugins (`server/`, given what they need
 * as options), then each capability's routes (`modules/`, `web/`), then the demo when enabled.
 */
export async function buildApp({
  config,
  database,
  logStream,
  searchSource,
  outboxWorker = true,
  now,
  statusClock,
}: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, logStream),
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    // Finish in-flight requests on close, refuse new ones with 503.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(errors);
  await app.register(textEdge);
  await app.register(dbPlugin, { database });
  await app.register(cookie);
  await app.register(helmet, {
    // Pages set their own CSP (help centre, console); the API only returns JSON.
    contentSecurityPolicy: false,
    crossOriginEmbedderPolicy: false,
  });
  await app.register(sharedRateLimit, { db: database.db });
  await app.register(auth, {
    actorFromApiKey: (key) => actorFromApiKey(app.db, key),
    actorFromSession: (token) => actorFromSession(app.db, token),
    actorFromCustomerSession: (token) => actorFromCustomerSession(app.db, token),
  });
  await app.register(health);
  await app.register(openapi);

  app.readiness.set('database', async () => {
    await database.ping();
    const applied = await appliedMigrationCount(database.db);
    const expected = expectedMigrationCount();
    return applied >= expected ? null : `migrations applied ${applied}/${expected}`;
  });

  await app.register(staffRoutes, now ? { now } : {});
  await app.register(apiKeyRoutes);
  await app.register(auditRoutes);
  await app.register(kbRoutes);
  await app.register(articleViews);
  await app.register(settingsRoutes);
  await app.register(searchPlugin, {
    // Tests may index a fixed list of documents instead of the knowledge base.
    source: searchSource ?? {
      load: (ids) => listIndexableArticles(app.db, ids),
      cards: (ids, audience) => findArticlesForDisplay(app.db, ids, undefined, audience),
    },
    embeddings: await embeddingProviderFrom(config.embeddings),
  });
  // Generated answers (RELAIS_LLM_URL) on the root instance, so that every surface's conversations
  // (the bot API and the widget) use them, not only the routes of the plugin that would decorate it.
  if (config.llm) {
    const provider = openAICompatibleProvider(config.llm);
    app.decorate(
      'botGenerator',
      createGenerator(provider, () => app.searchSource, app.log),
    );
  }
  await app.register(searchRoutes);
  await app.register(helpCentre);
  await app.register(analyticsJobs);
  await app.register(analyticsRoutes);
  await app.register(journeyJobs);
  await app.register(adminConsole);
  await app.register(chatPlugin);
  await app.register(widgetRoutes);
  await app.register(botRoutes);
  await app.register(botFlowRoutes);
  if (config.demo) await app.register(demoLineTest);
  await app.register(escalationRoutes);
  await app.register(chatRoutes);
  await app.register(outboxRoutes);
  await app.register(contactPages);
  // Status page (issue 19): staff API, Statuspage-shaped JSON, maintenance job.
  await app.register(statusRoutes);
  await app.register(statusJobs, statusClock ? { clock: statusClock } : {});
  // Customer accounts and the portal (issue 18)
  await app.register(customerRoutes);
  await app.register(accountPages);
  // Self-service actions (issue 18): staff API, the signed-in customer's API, the demo's endpoint
  await app.register(actionRoutes);
  if (config.demo) await app.register(demoActionEndpoints);
  // The outbox delivers what these modules enqueue, with their renderers (it imports no module).
  registerOutbox(app, outboxWorker, [
    ticketDeliveries(config.publicUrl),
    digestDeliveries,
    statusDeliveries(config.publicUrl),
    customerDeliveries,
  ]);
  // Fast paths (issue 24): analytics events of searches and page views written in batches.
  await app.register(eventBuffer);

  return app;
}
