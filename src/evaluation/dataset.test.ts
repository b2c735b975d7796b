import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  answersFromFormulations,
  EvalInputError,
  formatLabelledCsv,
  loadLabelledCsv,
  parseLabelledCsv,
  splitFirstK,
} from './dataset.ts';
import { guessLocale } from './language.ts';

describe('parseLabelledCsv', () => {
  it('parses RFC 4180 quoting, any column order and a BOM', () => {
    const csv = '\uFEFFlabel,text\r\na,"hello, ""world""\nsecond line"\nb,plain\n';
    expect(parseLabelledCsv(csv)).toEqual([
      { text: 'hello, "world"\nsecond line', label: 'a' },
      { text: 'plain', label: 'b' },
    ]);
  });

  it('rejects bad input with clear messages', () => {
    expect(() => parseLabelledCsv('', 'f.csv')).toThrow(/f\.csv: empty file/);
    expect(() => parseLabelledCsv('text,label\n', 'f.csv')).toThrow(/no rows/);
    expect(() => parseLabelledCsv('text,intent\nx,y\n')).toThrow(/missing column "label"/);
    expect(() => parseLabelledCsv('foo,bar\nx,y\n')).toThrow(/missing column "text" and "label"/);
    expect(() => parseLabelledCsv('text,label\n"unclosed,a\n')).toThrow(/malformed CSV/);
    expect(() => parseLabelledCsv('text,label\nx,a,extra\n')).toThrow(EvalInputError);
    expect(() => parseLabelledCsv('text,label\nx,\n')).toThrow(/empty label/);
  });
});

describe('loadLabelledCsv', () => {
  let dir = '';
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads a file and reports a missing one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'relais-dataset-'));
    const file = join(dir, 'f.csv');
    await writeFile(file, 'text,label\nhi,a\n');
    expect(await loadLabelledCsv(file)).toEqual([{ text: 'hi', label: 'a' }]);
    await expect(loadLabelledCsv(join(dir, 'missing.csv'))).rejects.toThrow(/no such file/);
    await expect(loadLabelledCsv(dir)).rejects.toThrow(/directory/);
  });
});

describe('splitFirstK and answersFromFormulations', () => {
  const rows = [
    { text: 'a1', label: 'a' },
    { text: 'b1', label: 'b' },
    { text: 'a2', label: 'a' },
    { text: 'a3', label: 'a' },
    { text: 'b2', label: 'b' },
  ];

  it('keeps the first K rows of each label in file order', () => {
    expect(splitFirstK(rows, 2)).toEqual({
      kept: [rows[0], rows[1], rows[2], rows[4]],
      rest: [rows[3]],
    });
    expect(splitFirstK(rows).kept).toEqual(rows);
    expect(splitFirstK(rows, 1).kept.map((r) => r.text)).toEqual(['a1', 'b1']);
  });

  it('groups formulations into public answers with id = label', () => {
    expect(answersFromFormulations(rows, 'fr')).toEqual([
      { id: 'a', locale: 'fr', title: '', formulations: ['a1', 'a2', 'a3'], visibility: 'public' },
      { id: 'b', locale: 'fr', title: '', formulations: ['b1', 'b2'], visibility: 'public' },
    ]);
    const answers = answersFromFormulations(rows, (texts) => (texts.length > 2 ? 'en' : 'fr'));
    expect(answers.map((a) => a.locale)).toEqual(['en', 'fr']);
  });
});

describe('guessLocale', () => {
  it('tells French from English', () => {
    expect(guessLocale('Comment réinitialiser mon mot de passe ?')).toBe('fr');
    expect(guessLocale("je n'arrive pas à payer ma facture")).toBe('fr');
    expect(guessLocale('How do I reset my password?')).toBe('en');
    expect(guessLocale('my card has not arrived yet')).toBe('en');
  });
});

describe('formatLabelledCsv', () => {
  it('round-trips through the parser', () => {
    const rows = [
      { text: 'plain', label: 'a' },
      { text: 'with, comma and "quotes"\nand a newline', label: 'b,c' },
    ];
    expect(parseLabelledCsv(formatLabelledCsv(rows))).toEqual(rows);
  });
});
