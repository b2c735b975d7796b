import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, EngineDocument, MatchOptions, MatchResult } from '../engine/types.ts';
import { runEval } from './eval.ts';
import type { CliIo } from './io.ts';
import { main } from './relais.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/relais.js');
const engineShipped = existsSync(join(root, 'src/engine/index.ts'));

let dir = '';
const file = (name: string) => join(dir, name);

const FORMULATIONS = [
  'text,label',
  'how do I reset my password,password',
  '"forgot my password, help",password',
  'password lost,password',
  'where is my invoice,invoice',
  '"download the ""invoice""\nas a PDF",invoice',
  'cancel my subscription,cancel',
  'end my contract,cancel',
].join('\n');
const QUERIES = [
  'text,label',
  'I forgot my password,password',
  'get my invoice,invoice',
  'I want to cancel the subscription,cancel',
  'what is the weather in Paris,oos',
].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relais-cli-'));
  await writeFile(file('train.csv'), FORMULATIONS);
  await writeFile(file('test.csv'), QUERIES);
  await writeFile(file('empty.csv'), '');
  await writeFile(file('header-only.csv'), 'text,label\n');
  await writeFile(file('no-label.csv'), 'text,intent\nhello,greet\n');
  await writeFile(file('malformed.csv'), 'text,label\n"unclosed quote,password\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A toy engine: candidates by number of shared words with any formulation; abstains below 2. */
function toyEngine(): Engine & { calls: MatchOptions[] } {
  const docs = new Map<string, EngineDocument>();
  const words = (s: string) => new Set(s.toLowerCase().match(/\w+/g) ?? []);
  const engine = {
    calls: [] as MatchOptions[],
    upsert(list: EngineDocument[]) {
      for (const d of list) docs.set(d.id, d);
    },
    remove(ids: string[]) {
      for (const id of ids) docs.delete(id);
    },
    setSynonyms() {},
    get size() {
      return docs.size;
    },
    match(query: string, options: MatchOptions = {}): MatchResult {
      engine.calls.push(options);
      const q = words(query);
      const scored = [...docs.values()]
        .map((d) => ({
          id: d.id,
          score: Math.max(...d.formulations.map((f) => [...words(f)].filter((w) => q.has(w)).length)),
        }))
        .filter((c) => c.score > 0)
        .sort((a, b) => b.score - a.score)
        .slice(0, options.limit ?? 5);
      const candidates = scored.map((c) => ({
        ...c,
        confidence: c.score / 3,
        matchedTerms: [],
        highlights: [],
      }));
      return {
        locale: options.locale ?? 'en',
        candidates,
        confidence: candidates[0]?.confidence ?? 0,
        abstain: (scored[0]?.score ?? 0) < 2,
        terms: [...q],
      };
    },
  };
  return engine;
}

function captureIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => {
      io.out += t;
    },
    stderr: (t: string) => {
      io.err += t;
    },
  };
  return io;
}

describe('relais eval (in process, toy engine)', () => {
  it('prints one JSON object with the metrics', async () => {
    const io = captureIo();
    const engine = toyEngine();
    const code = await runEval(
      ['--formulations', file('train.csv'), '--queries', file('test.csv'), '--lang', 'en', '--json'],
      io,
      { createEngine: () => engine },
    );
    expect(code).toBe(0);
    const report = JSON.parse(io.out);
    expect(Object.keys(report).sort()).toEqual(
      [
        'queries',
        'top1',
        'top3',
        'mrr',
        'coverage',
        'answeredPrecision',
        'oosRecall',
        'indexMs',
        'p50Ms',
        'p99Ms',
      ].sort(),
    );
    expect(report.queries).toBe(4);
    expect(report.top1).toBe(1);
    expect(report.oosRecall).toBe(1);
    expect(engine.size).toBe(3);
    expect(engine.calls.every((c) => c.locale === 'en' && (c.limit ?? 0) >= 10)).toBe(true);
  });

  it('keeps the first K formulations with --shots and lets the engine detect the query locale', async () => {
    const io = captureIo();
    const engine = toyEngine();
    await runEval(
      ['--formulations', file('train.csv'), '--queries', file('test.csv'), '--shots', '1', '--json'],
      io,
      { createEngine: () => engine },
    );
    const results = engine.match('download pdf');
    expect(results.candidates).toEqual([]); // the 2nd invoice formulation was dropped
    expect(engine.calls.slice(0, -1).every((c) => c.locale === undefined)).toBe(true);
  });

  it('prints a readable table without --json', async () => {
    const io = captureIo();
    await runEval(['--formulations', file('train.csv'), '--queries', file('test.csv')], io, {
      createEngine: toyEngine,
    });
    expect(io.out).toMatch(/top1\s+100\.0 %/);
    expect(io.out).toMatch(/oosRecall\s+100\.0 %/);
  });
});

describe('relais (spawned)', () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const evalArgs = (formulations: string, queries = file('test.csv'), ...rest: string[]) =>
    run('eval', '--formulations', formulations, '--queries', queries, ...rest);

  it.each([
    ['missing file', () => evalArgs(file('nope.csv')), /nope\.csv: no such file/],
    ['unreadable file (directory)', () => evalArgs(dir), /directory/],
    ['empty file', () => evalArgs(file('empty.csv')), /empty file/],
    ['no rows', () => evalArgs(file('header-only.csv')), /no rows/],
    ['missing label column', () => evalArgs(file('no-label.csv')), /missing column "label"/],
    ['malformed CSV', () => evalArgs(file('malformed.csv')), /malformed CSV/],
    ['bad --shots', () => evalArgs(file('train.csv'), file('test.csv'), '--shots', 'two'), /bad --shots/],
    ['zero --shots', () => evalArgs(file('train.csv'), file('test.csv'), '--shots', '0'), /bad --shots/],
    ['bad --lang', () => evalArgs(file('train.csv'), file('test.csv'), '--lang', 'de'), /bad --lang/],
    [
      'missing --queries',
      () => run('eval', '--formulations', file('train.csv')),
      /missing required.*--queries/,
    ],
    ['unknown flag', () => evalArgs(file('train.csv'), file('test.csv'), '--fast'), /unknown option --fast/],
    ['unknown command', () => run('frobnicate'), /unknown command "frobnicate"/],
  ])('%s → one line on stderr, exit code 2', (_name, exec, message) => {
    const result = exec();
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.skipIf(!engineShipped)('evaluates with the real engine and prints the JSON report', () => {
    const result = evalArgs(file('train.csv'), file('test.csv'), '--lang', 'en', '--json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(report.queries).toBe(4);
    for (const key of ['top1', 'top3', 'mrr', 'coverage', 'answeredPrecision', 'oosRecall']) {
      const value = report[key];
      expect(value === null || (typeof value === 'number' && value >= 0 && value <= 1), key).toBe(true);
    }
    for (const key of ['indexMs', 'p50Ms', 'p99Ms']) expect(report[key]).toBeGreaterThanOrEqual(0);
    expect(report.oosRecall).not.toBeNull();
  });
});

describe('main', () => {
  it('prints usage on help and fails without a command', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out).toMatch(/Usage: relais <command>/);
    expect(await main([], captureIo())).toBe(2);
    const evalHelp = captureIo();
    expect(await main(['eval', '--help'], evalHelp)).toBe(0);
    expect(evalHelp.out).toMatch(/--formulations/);
  });
});
