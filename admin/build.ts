/**
 * Builds the console into admin/dist with Vite's JS API.
 * `tsx admin/build.ts` always builds; `--if-missing` only when admin/dist is absent (used by prestart);
 * without Vite (a production install without dev dependencies) it says so and exits 0.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const ADMIN_INDEX = `${here}dist/index.html`;

export async function buildAdmin(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: `${here}vite.config.ts`, logLevel: 'warn' });
}

export async function ensureAdminBuilt(): Promise<void> {
  if (!existsSync(ADMIN_INDEX)) await buildAdmin();
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const ifMissing = process.argv.includes('--if-missing');
  try {
    await import('vite');
  } catch {
    process.stdout.write('admin console not built: Vite is not installed (dev dependency).\n');
    process.exit(0);
  }
  if (ifMissing && existsSync(ADMIN_INDEX)) process.exit(0);
  await buildAdmin();
  process.stdout.write(`admin console built in ${here}dist\n`);
}
