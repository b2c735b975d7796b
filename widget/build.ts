/**
 * Builds the widget into widget/dist: `widget.js` (the loader, a classic script: IIFE) and `app.js`
 * (the panel, an ES module the loader imports on first open), plus `helpcentre-chat.js` (the help
 * centre's live chat page, a classic script: not part of the widget's budget). Prints both gzipped sizes and fails
 * when over budget (loader ≤ 10 KB, loader + app ≤ 40 KB, gzipped).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = `${here}dist`;
export const BUDGET = { loader: 10 * 1024, total: 40 * 1024 };

async function bundle(entry: string, file: string, format: 'iife' | 'es', empty: boolean) {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: here,
    build: {
      outDir: dist,
      emptyOutDir: empty,
      target: 'es2020',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: { entry: `${here}src/${entry}`, formats: [format], fileName: () => file, name: 'RelaisWidget' },
    },
  });
}

const gz = (file: string) => gzipSync(readFileSync(`${dist}/${file}`), { level: 9 }).length;

export async function buildWidget(): Promise<{ loader: number; app: number }> {
  await bundle('loader.ts', 'widget.js', 'iife', true);
  await bundle('app.ts', 'app.js', 'es', false);
  // The help centre's chat page: the same chat client, as a classic script of its own.
  await bundle('helpcentre-chat.ts', 'helpcentre-chat.js', 'iife', false);
  // The help centre's search-as-you-type.
  await bundle('helpcentre-search.ts', 'helpcentre-search.js', 'iife', false);
  return { loader: gz('widget.js'), app: gz('app.js') };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { loader, app } = await buildWidget();
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  process.stdout.write(
    `widget/dist/widget.js  loader  ${kb(loader)} gzipped  (budget ${kb(BUDGET.loader)})\n` +
      `widget/dist/app.js     app     ${kb(app)} gzipped\n` +
      `full widget (loader + app)     ${kb(loader + app)} gzipped  (budget ${kb(BUDGET.total)})\n`,
  );
  if (loader > BUDGET.loader || loader + app > BUDGET.total) {
    process.stderr.write('widget over its size budget\n');
    process.exit(1);
  }
}
