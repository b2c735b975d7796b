/**
 * Labelled datasets for judging the matching engine: `text,label` CSV files (RFC 4180), few-shot
 * splitting ("the first K formulations of each label, in file order") and conversion to answers.
 * Pure functions, plus `loadLabelledCsv` which reads one file.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { EngineDocument, Locale } from '../engine/types.ts';

/** One row of a formulations or queries file. */
export interface LabelledText {
  text: string;
  label: string;
}

/** The label that marks an out-of-scope query: the right behaviour is to abstain. */
export const OOS_LABEL = 'oos';

/** Bad input (missing file, malformed CSV, bad option…): the CLI reports it in one line and exits 2. */
export class EvalInputError extends Error {
  override readonly name = 'EvalInputError';
}

/** Parses `text,label` CSV content. `source` names the file in error messages. */
export function parseLabelledCsv(content: string, source = 'input'): LabelledText[] {
  if (content.trim() === '') throw new EvalInputError(`${source}: empty file`);
  let records: string[][];
  try {
    records = parse(content, {
      bom: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as string[][];
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new EvalInputError(`${source}: malformed CSV: ${detail}`);
  }
  const header = (records[0] ?? []).map((name) => name.trim().toLowerCase());
  const textIndex = header.indexOf('text');
  const labelIndex = header.indexOf('label');
  const missing = [textIndex < 0 ? 'text' : null, labelIndex < 0 ? 'label' : null].filter(Boolean);
  if (missing.length > 0) {
    throw new EvalInputError(
      `${source}: missing column ${missing.map((name) => `"${name}"`).join(' and ')} in header`,
    );
  }
  if (records.length < 2) throw new EvalInputError(`${source}: no rows after the header`);
  const rows: LabelledText[] = [];
  for (let i = 1; i < records.length; i++) {
    const record = records[i]!;
    const text = (record[textIndex] ?? '').trim();
    const label = (record[labelIndex] ?? '').trim();
    // Line numbers are approximate when texts span several lines; the record number is exact.
    if (label === '') throw new EvalInputError(`${source}: record ${i} has an empty label`);
    if (text === '') throw new EvalInputError(`${source}: record ${i} has an empty text`);
    rows.push({ text, label });
  }
  return rows;
}

/** Reads and parses one `text,label` CSV file; every failure is an EvalInputError. */
export async function loadLabelledCsv(path: string): Promise<LabelledText[]> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EvalInputError(`${path}: no such file`);
    if (code === 'EISDIR') throw new EvalInputError(`${path}: is a directory, not a file`);
    throw new EvalInputError(`${path}: cannot read (${code ?? String(error)})`);
  }
  return parseLabelledCsv(content, path);
}

/**
 * Keeps the first `shots` rows of each label, in file order (`undefined` keeps everything).
 * Returns the kept rows and the rest, both in file order.
 */
export function splitFirstK(
  rows: readonly LabelledText[],
  shots?: number,
): { kept: LabelledText[]; rest: LabelledText[] } {
  if (shots === undefined) return { kept: [...rows], rest: [] };
  const seen = new Map<string, number>();
  const kept: LabelledText[] = [];
  const rest: LabelledText[] = [];
  for (const row of rows) {
    const count = seen.get(row.label) ?? 0;
    if (count < shots) {
      kept.push(row);
      seen.set(row.label, count + 1);
    } else {
      rest.push(row);
    }
  }
  return { kept, rest };
}

/** An answer to evaluate: one per distinct label, whose formulations are that label's rows. */
export type EvalAnswer = EngineDocument;

/**
 * Groups formulations by label into answers (id = label, no title or body, public), in order of first
 * appearance. `locale` may be a function, e.g. to detect each answer's language from its formulations.
 */
export function answersFromFormulations(
  rows: readonly LabelledText[],
  locale: Locale | ((formulations: string[]) => Locale),
): EvalAnswer[] {
  const byLabel = new Map<string, string[]>();
  for (const row of rows) {
    const list = byLabel.get(row.label);
    if (list) list.push(row.text);
    else byLabel.set(row.label, [row.text]);
  }
  return [...byLabel].map(([id, formulations]) => ({
    id,
    locale: typeof locale === 'function' ? locale(formulations) : locale,
    title: '',
    formulations,
    visibility: 'public' as const,
  }));
}

/** Serialises rows as `text,label` CSV (RFC 4180: fields with commas, quotes or newlines are quoted). */
export function formatLabelledCsv(rows: readonly LabelledText[]): string {
  const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  return `text,label\n${rows.map((row) => `${field(row.text)},${field(row.label)}\n`).join('')}`;
}
