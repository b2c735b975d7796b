/**
 * Builds the demo development sets from the demo content (src/demo/content/*.json, see its README):
 * for each locale, every answer's `formulations` → bench/data/demo-<locale>-formulations.csv and its
 * held-out `testQueries` plus out-of-scope.json's queries (label `oos`) → demo-<locale>-queries.csv.
 * Labels are the answers' keys. Run: npx tsx bench/build-demo-dataset.ts [content-dir]
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { formatLabelledCsv, type LabelledText, OOS_LABEL } from '../src/evaluation/dataset.ts';
import { DEMO_DATA_DIR, ROOT } from './datasets.ts';

const LOCALES = ['fr', 'en'] as const;

interface LocalizedAnswer {
  formulations?: string[];
  testQueries?: string[];
}
interface ContentFile {
  answers?: Array<{ key: string } & Partial<Record<(typeof LOCALES)[number], LocalizedAnswer>>>;
}

function contentDir(): string {
  const candidates = [process.argv[2], join(ROOT, 'src/demo/content'), '/work/main/src/demo/content'];
  const found = candidates.find((dir) => dir && existsSync(join(dir, 'out-of-scope.json')));
  if (!found) throw new Error(`demo content not found in ${candidates.filter(Boolean).join(', ')}`);
  return found;
}

const clean = (texts: string[] | undefined) => (texts ?? []).map((t) => t.trim()).filter(Boolean);

async function main(): Promise<void> {
  const dir = contentDir();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && f !== 'out-of-scope.json').sort();
  const outOfScope = JSON.parse(await readFile(join(dir, 'out-of-scope.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  await mkdir(DEMO_DATA_DIR, { recursive: true });
  for (const locale of LOCALES) {
    const formulations: LabelledText[] = [];
    const queries: LabelledText[] = [];
    const keys = new Set<string>();
    const seenFormulations = new Set<string>();
    for (const file of files) {
      const content = JSON.parse(await readFile(join(dir, file), 'utf8')) as ContentFile;
      for (const answer of content.answers ?? []) {
        if (keys.has(answer.key)) throw new Error(`${file}: duplicate answer key "${answer.key}"`);
        keys.add(answer.key);
        const localized = answer[locale];
        if (!localized) continue;
        for (const text of clean(localized.formulations)) {
          formulations.push({ text, label: answer.key });
          seenFormulations.add(text.toLowerCase());
        }
        for (const text of clean(localized.testQueries)) queries.push({ text, label: answer.key });
      }
    }
    for (const text of clean(outOfScope[locale])) queries.push({ text, label: OOS_LABEL });
    const leaked = queries.filter((q) => seenFormulations.has(q.text.toLowerCase()));
    if (leaked.length > 0) {
      console.warn(
        `demo-${locale}: ${leaked.length} test queries equal a formulation (${leaked[0]!.text} …)`,
      );
    }
    const base = join(DEMO_DATA_DIR, `demo-${locale}`);
    await writeFile(`${base}-formulations.csv`, formatLabelledCsv(formulations));
    await writeFile(`${base}-queries.csv`, formatLabelledCsv(queries));
    const oos = queries.filter((q) => q.label === OOS_LABEL).length;
    console.log(
      `${relative(ROOT, base)}-{formulations,queries}.csv: ${new Set(formulations.map((f) => f.label)).size} answers, ` +
        `${formulations.length} formulations, ${queries.length - oos} queries + ${oos} out of scope (from ${dir})`,
    );
  }
}

await main();
