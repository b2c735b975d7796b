import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import errors, { ConflictError, NotFoundError } from './errors.ts';
import { isTranslated, problemLanguage, translateDetail } from './problem-language.ts';

const SRC = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every detail a service can throw, as written in code (`${…}` stands in as a sample value). */
function thrownDetails(): Array<{ file: string; detail: string }> {
  const found: Array<{ file: string; detail: string }> = [];
  const literal = String.raw`('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\x60(?:[^\x60\\]|\\.)*\x60)`;
  const calls = new RegExp(
    String.raw`new (ValidationError|ConflictError|ForbiddenError|UnauthorizedError|NotFoundError)\(\s*${literal}` +
      String.raw`|new AppError\(\s*'[^']*',\s*\d+,\s*${literal}` +
      String.raw`|message: ${literal}`,
    'g',
  );
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(calls)) {
      const raw = (m[2] ?? m[3] ?? m[4])!;
      let detail = raw.slice(1, -1).replace(/\$\{[^}]*\}/g, 'x');
      if (m[1] === 'NotFoundError') detail = `${detail} not found.`;
      if (/^x+$/.test(detail)) continue; // wholly composed elsewhere (each part is listed on its own)
      // `message:` also names zod refinements' messages, the only ones of that shape a customer reads.
      if (
        m[4] &&
        !/refine|addIssue|superRefine|issues\.push/.test(text.slice(Math.max(0, m.index - 200), m.index))
      )
        continue;
      found.push({ file: file.slice(SRC.length + 1), detail });
    }
  }
  return found;
}

describe('problem details in the reader’s language', () => {
  it('has a French translation for every detail thrown under src/', () => {
    const details = thrownDetails();
    expect(details.length).toBeGreaterThan(60);
    const missing = details.filter((d) => !isTranslated(d.detail));
    expect(missing, 'add these to FRENCH in src/server/problem-language.ts').toEqual([]);
  });

  it('carries values over and sets French typography', () => {
    expect(translateDetail("Slug 'tarifs' is already used in fr.", 'fr')).toBe(
      'L’adresse «\u00a0tarifs\u00a0» est déjà utilisée en fr.',
    );
    expect(translateDetail('Too many requests: try again later.', 'fr')).toBe(
      'Trop de requêtes\u00a0: réessayez dans un instant.',
    );
    expect(translateDetail('Something new.', 'fr')).toBe('Something new.');
    expect(translateDetail("Node 'b' cannot be reached from the start. (+1 more: nodes.c)", 'fr')).toBe(
      'L’étape «\u00a0b\u00a0» est inaccessible depuis le départ. (+1 autres\u00a0: nodes.c)',
    );
    expect(translateDetail('Article not found.', 'en')).toBe('Article not found.');
  });

  it('reads the language from the page prefix, then Accept-Language with its weights', async () => {
    const app = Fastify();
    app.get('/*', async (req) => problemLanguage(req));
    const lang = async (url: string, header?: string) =>
      (await app.inject({ url, headers: header ? { 'accept-language': header } : {} })).body;
    expect(await lang('/fr/contact')).toBe('fr');
    expect(await lang('/en/contact', 'fr-FR')).toBe('en');
    expect(await lang('/api/v1/x')).toBe('en');
    expect(await lang('/api/v1/x', 'fr-FR,fr;q=0.9,en;q=0.8')).toBe('fr');
    expect(await lang('/api/v1/x', 'de-DE,en;q=0.5,fr;q=0.7')).toBe('fr');
    expect(await lang('/api/v1/x', 'de-DE')).toBe('en');
    expect(await lang('/frites')).toBe('en');
  });

  it('answers validation and service problems in French, fields unchanged', async () => {
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(errors);
    app.post(
      '/api/v1/thing',
      {
        schema: {
          body: z.strictObject({ email: z.email(), name: z.string().min(2).max(5), n: z.number().int() }),
        },
      },
      async () => {
        throw new ConflictError("Slug 'x' is already used in fr.", 'slug');
      },
    );
    app.get('/api/v1/gone', async () => {
      throw new NotFoundError('Ticket');
    });
    const fr = { 'accept-language': 'fr-FR,fr;q=0.9' };
    const invalid = await app.inject({
      method: 'POST',
      url: '/api/v1/thing',
      headers: fr,
      payload: { email: 'nope', name: 'a' },
    });
    expect(invalid.statusCode).toBe(400);
    const problem = invalid.json();
    expect(problem.code).toBe('validation');
    expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(['email', 'name', 'n']);
    const messages = problem.errors.map((e: { message: string }) => e.message);
    expect(messages[0]).toMatch(/e-mail invalide/i);
    expect(messages[1]).toMatch(/^Trop petit\u00a0: .*≥ 2/);
    expect(messages[2]).toBe('Champ obligatoire.');
    expect(problem.detail).toBe(`Requête invalide (corps)\u00a0: email\u00a0: ${messages[0]}`);

    const english = await app.inject({ method: 'POST', url: '/api/v1/thing', payload: { email: 'nope' } });
    expect(english.json().errors[0].message).toBe('Invalid email address');

    const conflict = await app.inject({
      method: 'POST',
      url: '/api/v1/thing',
      headers: fr,
      payload: { email: 'a@b.fr', name: 'abc', n: 1 },
    });
    expect(conflict.json()).toMatchObject({
      field: 'slug',
      detail: 'L’adresse «\u00a0x\u00a0» est déjà utilisée en fr.',
    });
    expect((await app.inject({ url: '/api/v1/gone', headers: fr })).json().detail).toBe(
      'Demande introuvable.',
    );
    expect((await app.inject({ url: '/api/v1/nowhere', headers: fr })).json().detail).toBe(
      'Aucune route GET /api/v1/nowhere.',
    );
  });
});
