/**
 * `relais eval`: judges the matching engine on a labelled dataset.
 *
 *   relais eval --formulations <train.csv> --queries <test.csv> [--shots K] [--lang fr|en|auto] [--json]
 *
 * Each distinct label of the formulations file becomes one public answer (id = label) whose formulations
 * are its rows. Queries labelled `oos` are out of scope: the right behaviour is to abstain.
 */
import { parseArgs } from 'node:util';
import type { Locale } from '../engine/types.ts';
import {
  answersFromFormulations,
  EvalInputError,
  loadLabelledCsv,
  OOS_LABEL,
  splitFirstK,
} from '../evaluation/dataset.ts';
import { type EngineModule, engineRanker, loadEngineModule } from '../evaluation/engine-ranker.ts';
import { detectAnswerLocales, guessLocale } from '../evaluation/language.ts';
import { DEFAULT_CANDIDATES, type EvalReport, evaluate } from '../evaluation/metrics.ts';
import { type CliIo, CliUsageError, describeParseError, EXIT_OK } from './io.ts';

export const EVAL_USAGE = `Usage: relais eval --formulations <train.csv> --queries <test.csv> [options]

Judges the matching engine on a labelled dataset (CSV with a header "text,label").

Options:
  --formulations <file>  formulations: each label becomes one answer, its rows its formulations
  --queries <file>       queries to match; label "oos" marks an out-of-scope query (should abstain)
  --shots <K>            keep the first K formulations of each label, in file order (default: all)
  --lang <fr|en|auto>    locale of the answers and queries (default: auto, detected)
  --json                 print one JSON object instead of a table
  -h, --help             show this help
`;

const LANGS = ['fr', 'en', 'auto'] as const;

export interface EvalArgs {
  formulations: string;
  queries: string;
  shots?: number;
  lang: (typeof LANGS)[number];
  json: boolean;
  help: boolean;
}

export function parseEvalArgs(argv: string[]): EvalArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        formulations: { type: 'string' },
        queries: { type: 'string' },
        shots: { type: 'string' },
        lang: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CliUsageError(describeParseError(error));
  }
  if (values.help) {
    return { formulations: '', queries: '', lang: 'auto', json: false, help: true };
  }
  const formulations = values.formulations as string | undefined;
  const queries = values.queries as string | undefined;
  if (!formulations) throw new CliUsageError('missing required option --formulations <file>');
  if (!queries) throw new CliUsageError('missing required option --queries <file>');
  let shots: number | undefined;
  if (values.shots !== undefined) {
    const raw = String(values.shots).trim();
    shots = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(shots) || shots < 1) {
      throw new CliUsageError(`bad --shots "${values.shots}": expected a positive integer`);
    }
  }
  const lang = (values.lang ?? 'auto') as string;
  if (!(LANGS as readonly string[]).includes(lang)) {
    throw new CliUsageError(`bad --lang "${lang}": expected fr, en or auto`);
  }
  return {
    formulations,
    queries,
    shots,
    lang: lang as EvalArgs['lang'],
    json: Boolean(values.json),
    help: false,
  };
}

/** Candidate locales of `--lang auto`. */
const AUTO_LOCALES: Locale[] = ['fr', 'en'];

export async function runEval(argv: string[], io: CliIo, engineModule?: EngineModule): Promise<number> {
  const args = parseEvalArgs(argv);
  if (args.help) {
    io.stdout(EVAL_USAGE);
    return EXIT_OK;
  }
  let formulationRows: Awaited<ReturnType<typeof loadLabelledCsv>>;
  let queries: Awaited<ReturnType<typeof loadLabelledCsv>>;
  try {
    [formulationRows, queries] = await Promise.all([
      loadLabelledCsv(args.formulations),
      loadLabelledCsv(args.queries),
    ]);
  } catch (error) {
    if (error instanceof EvalInputError) throw new CliUsageError(error.message);
    throw error;
  }
  const { kept } = splitFirstK(
    formulationRows.filter((row) => row.label !== OOS_LABEL),
    args.shots,
  );
  const locale: Locale | undefined = args.lang === 'auto' ? undefined : args.lang;
  // The engine is loaded lazily so `--help` and input errors stay fast.
  const engine = engineModule ?? (await loadEngineModule());
  let answers = answersFromFormulations(kept, locale ?? 'und');
  if (!locale) {
    const detect = engine.detectLocale ?? guessLocale;
    const locales = detectAnswerLocales(
      answers.map((a) => a.formulations),
      (text) => detect(text, AUTO_LOCALES),
    );
    answers = answers.map((a, i) => ({ ...a, locale: locales[i]! }));
  }
  if (answers.length === 0) {
    throw new CliUsageError(`${args.formulations}: no formulations (only "${OOS_LABEL}" rows)`);
  }

  const known = new Set(answers.map((a) => a.id));
  const unknown = new Set(
    queries.filter((q) => q.label !== OOS_LABEL && !known.has(q.label)).map((q) => q.label),
  );
  if (unknown.size > 0) {
    const sample = [...unknown].slice(0, 3).join(', ');
    io.stderr(
      `relais eval: warning: ${unknown.size} query label(s) have no formulations (${sample}${unknown.size > 3 ? ', …' : ''}); those queries count as misses\n`,
    );
  }

  const ranker = engineRanker(engine.createEngine, locale ? { locale } : {});
  const { report } = await evaluate(ranker, answers, queries, { candidates: DEFAULT_CANDIDATES });
  if (args.json) {
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    const oos = queries.filter((q) => q.label === OOS_LABEL).length;
    io.stdout(
      formatReport(report, {
        answers: answers.length,
        formulations: kept.length,
        inScope: queries.length - oos,
        oos,
        lang: args.lang,
      }),
    );
  }
  return EXIT_OK;
}

const pct = (value: number | null): string => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
const ms = (value: number): string => `${value.toFixed(value < 10 ? 2 : 0)} ms`;

export function formatReport(
  report: EvalReport,
  context: { answers: number; formulations: number; inScope: number; oos: number; lang: string },
): string {
  const rows: Array<[string, string, string]> = [
    ['answers', String(context.answers), `${context.formulations} formulations, lang ${context.lang}`],
    ['queries', String(report.queries), `${context.inScope} in scope, ${context.oos} out of scope`],
    ['top1', pct(report.top1), 'first candidate right (in scope, abstention ignored)'],
    ['top3', pct(report.top3), 'right answer among the first 3'],
    ['mrr', report.mrr === null ? 'n/a' : report.mrr.toFixed(3), 'mean reciprocal rank (in scope)'],
    ['coverage', pct(report.coverage), 'in-scope queries answered (not abstained)'],
    ['answeredPrecision', pct(report.answeredPrecision), 'answered queries that are right'],
    ['oosRecall', pct(report.oosRecall), 'out-of-scope queries abstained'],
    ['indexMs', ms(report.indexMs), 'index build'],
    ['p50Ms', ms(report.p50Ms), 'median latency per query'],
    ['p99Ms', ms(report.p99Ms), '99th percentile latency per query'],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return `${rows.map(([k, v, note]) => `${k.padEnd(w0)}  ${v.padStart(w1)}  ${note}`).join('\n')}\n`;
}
