import { demoMemorySource, memorySource } from '../src/demo/memory-source.ts';
import type { EngineDocument } from '../src/engine/types.ts';
import { startRelais } from '../src/start.ts';
import { LogCapture, scratchDatabaseUrl, type TestApp, testConfig } from './helpers.ts';

/**
 * A Relais app whose search index reads `docs` (default: the Nuvia demo content, held-out test
 * queries excluded) through the search module's injection point, so dialogue tests control the answers.
 */
export async function createBotTestApp(
  options: { docs?: EngineDocument[]; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const scratch = await scratchDatabaseUrl();
  const config = { ...testConfig(options.env), databaseUrl: scratch.url };
  const logs = new LogCapture();
  const searchSource = options.docs ? memorySource(options.docs) : demoMemorySource();
  const { app } = await startRelais(config, { logStream: logs, searchSource });
  await app.searchIndex.settled();
  return {
    app,
    logs,
    close: async () => {
      await app.close();
      await scratch.drop();
    },
  };
}

export const doc = (
  id: string,
  locale: string,
  title: string,
  formulations: string[],
  extra: Partial<EngineDocument> = {},
): EngineDocument => ({
  id,
  locale,
  title,
  shortAnswer: `${title}: short answer.`,
  body: `${title}. Body.`,
  formulations,
  visibility: 'public',
  ...extra,
});
