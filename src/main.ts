import { ConfigError, loadConfig } from './config.ts';
import { startRelais } from './start.ts';

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const { app, setupToken } = await startRelais(config);
  await app.listen({ port: config.port, host: config.host });
  const where = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`;
  app.log.info({ database: where }, `Relais is running on ${config.publicUrl}`);
  if (setupToken) {
    // Printed once, to the terminal only: it is a secret, so it never goes through the logs.
    process.stdout.write(
      `\nNo staff account yet. Create the first admin at:\n  ${config.publicUrl}/admin/setup#${setupToken}\n\n`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => {
      app.log.error('shutdown took longer than 10 s, exiting');
      process.exit(1);
    }, 10_000);
    timer.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`Relais failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
