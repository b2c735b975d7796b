import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { EngineDocument } from '../../engine/types.ts';
import { SearchIndex } from './search-index.ts';

/** The knowledge base as the index sees it: a list that tests edit, like editors would. */
function listSource(docs: EngineDocument[]) {
  return {
    docs,
    async load(ids?: string[]) {
      return ids ? docs.filter((d) => ids.includes(d.id)) : docs;
    },
  };
}

const doc = (
  id: string,
  title: string,
  formulations: string[],
  extra: Partial<EngineDocument> = {},
): EngineDocument => ({
  id,
  locale: 'fr',
  title,
  formulations,
  visibility: 'public',
  ...extra,
});

const log = pino({ level: 'silent' });

describe('SearchIndex', () => {
  it('builds, then follows additions, edits and removals without a rebuild', async () => {
    const source = listSource([
      doc('pwd', 'Réinitialiser mon mot de passe', ['mot de passe oublié', 'je ne peux plus me connecter']),
      doc('bill', 'Télécharger ma facture', ['où trouver ma facture', 'facture du mois']),
    ]);
    const index = new SearchIndex(source, log);
    await index.rebuild();
    expect(index.ready).toBe(true);
    expect(index.stats.documents).toBe(2);
    expect((await index.match('mot de passe oublie', { locale: 'fr' })).candidates[0]?.id).toBe('pwd');

    source.docs.push(doc('sim', 'Activer ma carte SIM', ['activer sim', 'nouvelle carte sim']));
    await index.refresh(['sim']);
    expect((await index.match('activer ma nouvelle sim', { locale: 'fr' })).candidates[0]?.id).toBe('sim');

    source.docs.splice(0, 1);
    await index.refresh(['pwd']);
    const after = await index.match('mot de passe oublie', { locale: 'fr' });
    expect(after.candidates.map((c) => c.id)).not.toContain('pwd');
    expect(index.stats.documents).toBe(2);
  });

  it('applies editors’ synonyms', async () => {
    const index = new SearchIndex(
      listSource([doc('pwd', 'Réinitialiser mon mot de passe', ['mot de passe oublié'])]),
      log,
    );
    await index.rebuild();
    expect((await index.match('sésame perdu', { locale: 'fr' })).candidates).toHaveLength(0);
    await index.setSynonyms([{ locale: 'fr', terms: ['sésame', 'mot de passe'], oneWay: true }]);
    expect((await index.match('sésame perdu', { locale: 'fr' })).candidates[0]?.id).toBe('pwd');
  });

  it('never ranks internal or segment content for the public', async () => {
    const index = new SearchIndex(
      listSource([
        doc('internal', 'Geste commercial agent', ['accorder un geste commercial'], {
          visibility: 'internal',
        }),
        doc('pro', 'Factures Pro avec TVA', ['facture pro tva'], {
          visibility: 'segment',
          segments: ['plan=pro'],
        }),
      ]),
      log,
    );
    await index.rebuild();
    expect(
      (await index.match('geste commercial', { locale: 'fr', audience: 'public' })).candidates,
    ).toHaveLength(0);
    expect(
      (await index.match('facture pro tva', { locale: 'fr', audience: 'public' })).candidates,
    ).toHaveLength(0);
    const pro = await index.match('facture pro tva', {
      locale: 'fr',
      audience: 'public',
      segments: ['plan=pro'],
    });
    expect(pro.candidates[0]?.id).toBe('pro');
    expect(
      (await index.match('geste commercial', { locale: 'fr', audience: 'internal' })).candidates[0]?.id,
    ).toBe('internal');
  });
});
