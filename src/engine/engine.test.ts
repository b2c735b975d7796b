import { describe, expect, it } from 'vitest';
import { createEngine, damerau, type EngineDocument } from './index.ts';

const doc = (id: string, title: string, formulations: string[], extra: Partial<EngineDocument> = {}) =>
  ({ id, locale: 'fr', title, formulations, visibility: 'public', ...extra }) as EngineDocument;

const faq: EngineDocument[] = [
  doc(
    'password',
    'Comment réinitialiser mon mot de passe ?',
    ["J'ai oublié mon mot de passe", 'Je ne peux plus me connecter à mon espace client'],
    { shortAnswer: 'Cliquez sur « Mot de passe oublié » sur la page de connexion.' },
  ),
  doc('invoice', 'Où trouver ma facture ?', [
    'Télécharger ma facture',
    'Je ne trouve pas ma facture du mois',
  ]),
  doc('cancel', 'Comment résilier mon abonnement ?', [
    "Je veux résilier l'abonnement",
    'Arrêter mon contrat',
  ]),
  doc('box', 'Ma box internet ne fonctionne plus', [
    'Plus de connexion internet',
    'Le voyant de la box clignote',
  ]),
  doc('pro', 'Gérer la flotte mobile de mon entreprise', ['Ajouter une ligne pro'], {
    visibility: 'segment',
    segments: ['plan=pro'],
  }),
  doc('agent', 'Procédure interne de geste commercial', ['Accorder un avoir au client'], {
    visibility: 'internal',
  }),
  {
    id: 'en-password',
    locale: 'en',
    title: 'How do I reset my password?',
    formulations: ['I forgot my password', 'I cannot log in'],
    visibility: 'public',
  },
];

const make = () => {
  const e = createEngine();
  e.upsert(faq);
  return e;
};

describe('matching', () => {
  it('finds the answer from a paraphrase', () => {
    const r = make().match('mot de passe oublié', { locale: 'fr' });
    expect(r.candidates[0]?.id).toBe('password');
    expect(r.candidates[0]?.matchedTerms).toEqual(expect.arrayContaining(['mot', 'pass']));
    expect(r.candidates[0]?.highlights.length).toBeGreaterThan(0);
    expect(r.abstain).toBe(false);
  });

  it('explains with the best formulation and highlight ranges', () => {
    const r = make().match('résilier mon contrat', { locale: 'fr' });
    const c = r.candidates[0]!;
    expect(c.id).toBe('cancel');
    expect(c.matchedFormulation).toBeDefined();
    const h = c.highlights.find((x) => x.field === 'title')!;
    const [s, e] = h.ranges[0]!;
    expect(h.text.slice(s, e)).toBe('résilier');
  });

  it('detects the locale among indexed ones', () => {
    const e = make();
    expect(e.match('I forgot my password').locale).toBe('en');
    expect(e.match('I forgot my password').candidates[0]?.id).toBe('en-password');
    expect(e.match('je ne trouve pas ma facture').locale).toBe('fr');
  });

  it('tolerates typos', () => {
    expect(damerau('facture', 'factrue', 1)).toBe(1);
    expect(damerau('abonnement', 'abonement', 2)).toBe(1);
    const r = make().match('télécharger ma factrue', { locale: 'fr' });
    expect(r.candidates[0]?.id).toBe('invoice');
    expect(make().match('résillier abonnemant', { locale: 'fr' }).candidates[0]?.id).toBe('cancel');
  });

  it('reads chat writing: shorthands and elisions typed without apostrophe', () => {
    const e = make();
    const sms = e.match('cmt changer mon mdp', { locale: 'fr' });
    expect(sms.candidates[0]?.id).toBe('password');
    expect(sms.terms).toEqual(expect.arrayContaining(['mot', 'pass', 'comment']));
    const elided = e.match('resilier labonnement', { locale: 'fr' });
    expect(elided.candidates[0]?.id).toBe('cancel');
    expect(elided.terms).toContain('abon');
    // Only words the index knows are split: "lune" stays "lune", not "une".
    expect(e.match('lune', { locale: 'fr' }).terms).not.toContain('une');
    expect(e.match('i cant log in', { locale: 'en' }).candidates[0]?.id).toBe('en-password');
  });

  it('matches the last token as a prefix when typing', () => {
    const r = make().match('ma fact', { locale: 'fr', prefix: true });
    expect(r.candidates[0]?.id).toBe('invoice');
    expect(r.terms).toContain('factur');
    expect(make().match('ma fact', { locale: 'fr' }).terms).not.toContain('factur');
  });

  it('abstains on nonsense and empty queries', () => {
    const e = make();
    expect(e.match('xqzv blorp wug', { locale: 'fr' }).abstain).toBe(true);
    expect(e.match('', { locale: 'fr' }).abstain).toBe(true);
    expect(e.match('', { locale: 'fr' }).confidence).toBe(0);
  });

  it('gives confidences in [0, 1], best first', () => {
    const r = make().match('ma box clignote', { locale: 'fr' });
    for (const c of r.candidates) expect(c.confidence).toBeGreaterThanOrEqual(0);
    for (const c of r.candidates) expect(c.confidence).toBeLessThanOrEqual(1);
    expect(r.confidence).toBe(r.candidates[0]?.confidence);
  });
});

describe('filters', () => {
  const ids = (r: { candidates: { id: string }[] }) => r.candidates.map((c) => c.id);

  it('never shows internal or segment answers to the public', () => {
    const e = make();
    expect(ids(e.match('accorder un avoir au client', { locale: 'fr', limit: 10 }))).not.toContain('agent');
    expect(ids(e.match('flotte mobile entreprise ligne pro', { locale: 'fr', limit: 10 }))).not.toContain(
      'pro',
    );
    expect(
      ids(e.match('flotte mobile entreprise', { locale: 'fr', limit: 10, segments: ['plan=perso'] })),
    ).not.toContain('pro');
  });

  it('shows segment answers to holders of the segment', () => {
    const r = make().match('flotte mobile entreprise', { locale: 'fr', segments: ['plan=pro'] });
    expect(r.candidates[0]?.id).toBe('pro');
    expect(ids(r)).not.toContain('agent');
  });

  it('shows everything to staff', () => {
    const e = make();
    expect(e.match('accorder un avoir', { locale: 'fr', audience: 'internal' }).candidates[0]?.id).toBe(
      'agent',
    );
    expect(e.match('flotte mobile', { locale: 'fr', audience: 'internal' }).candidates[0]?.id).toBe('pro');
  });

  it('keeps locales apart', () => {
    const r = make().match('password', { locale: 'fr' });
    expect(ids(r)).not.toContain('en-password');
  });
});

describe('synonyms', () => {
  it('rewrites one-way abbreviations', () => {
    const e = make();
    expect(e.match('sésame', { locale: 'fr' }).candidates).toHaveLength(0);
    e.setSynonyms([{ locale: 'fr', terms: ['sésame', 'mot de passe'], oneWay: true }]);
    const r = e.match('sésame perdu', { locale: 'fr' });
    expect(r.candidates[0]?.id).toBe('password');
    expect(r.terms).toEqual(expect.arrayContaining(['mot', 'pass']));
  });

  it('one-way rules do not apply backwards', () => {
    const e = createEngine();
    e.upsert([doc('abbr', 'Le sésame', ['sésame'])]);
    e.setSynonyms([{ locale: 'fr', terms: ['sésame', 'mot de passe'], oneWay: true }]);
    expect(e.match('mot de passe', { locale: 'fr' }).candidates).toHaveLength(0);
  });

  it('two-way rules work both ways, multiword included', () => {
    const e = createEngine();
    e.upsert([
      doc('modem', 'Redémarrer le modem', ['le modem ne marche plus']),
      doc('sim', 'Carte SIM', ['puce']),
    ]);
    e.setSynonyms([
      { locale: 'fr', terms: ['box', 'modem'] },
      { locale: 'fr', terms: ['carte sim', 'puce'] },
    ]);
    expect(e.match('redémarrer la box', { locale: 'fr' }).candidates[0]?.id).toBe('modem');
    expect(e.match('ma puce', { locale: 'fr' }).candidates[0]?.id).toBe('sim');
    expect(e.match('la carte sim', { locale: 'fr' }).candidates[0]?.id).toBe('sim');
  });
});

describe('classifier trained on the formulations', () => {
  // Ranking by the classifier alone (candidates still come from the inverted index).
  const classifierOnly = () =>
    createEngine({ fusion: { bm25: 0, charDoc: 0, knnWord: 0, prior: 0, classifier: 1 } });

  it('ranks by what it learnt, and learns a new answer without a rebuild', () => {
    const e = classifierOnly();
    e.upsert(faq);
    const cancel = e.match('arrêter le contrat', { locale: 'fr' }).candidates;
    expect(cancel[0]?.id).toBe('cancel');
    expect(cancel[0]!.score).toBeGreaterThan(cancel[1]?.score ?? 0);
    e.upsert([
      doc('plan', 'Changer de forfait', ['changer mon forfait mobile', 'passer à un forfait plus grand']),
    ]);
    expect(e.match('changer de forfait', { locale: 'fr' }).candidates[0]?.id).toBe('plan');
  });

  it('gives the same result as a fresh build once retrained after removals', () => {
    const fresh = classifierOnly();
    fresh.upsert(faq);
    const e = classifierOnly();
    e.upsert(faq);
    e.upsert([doc('gone', 'Contrat box', ['arrêter la box', 'contrat box internet'])]); // learnt alone
    e.remove(['gone']); // changes past a fifth of the answers: trained again from scratch
    const q = 'résilier mon contrat box';
    const a = e.match(q, { locale: 'fr' }).candidates.map((c) => [c.id, c.score.toFixed(6)]);
    const b = fresh.match(q, { locale: 'fr' }).candidates.map((c) => [c.id, c.score.toFixed(6)]);
    expect(a).toEqual(b);
  });
});

describe('incremental updates', () => {
  it('upserts and removes only the given documents', () => {
    const e = make();
    expect(e.size).toBe(faq.length);
    e.upsert([doc('invoice', 'Où trouver mon relevé ?', ['Télécharger mon relevé'])]);
    expect(e.size).toBe(faq.length);
    expect(e.match('relevé', { locale: 'fr' }).candidates[0]?.id).toBe('invoice');
    expect(e.match('facture du mois', { locale: 'fr' }).candidates.map((c) => c.id)).not.toContain('invoice');
    e.remove(['invoice', 'unknown']);
    expect(e.size).toBe(faq.length - 1);
    expect(e.match('relevé', { locale: 'fr' }).candidates).toHaveLength(0);
  });

  it('keeps statistics right after many updates', () => {
    const a = createEngine();
    const b = createEngine();
    b.upsert(faq);
    for (let i = 0; i < 30; i++)
      a.upsert([doc(`tmp${i}`, 'facture box abonnement', ['mot de passe internet'])]);
    a.upsert(faq);
    a.remove(Array.from({ length: 30 }, (_, i) => `tmp${i}`));
    for (const q of ['mot de passe oublié', 'ma box clignote', 'résilier']) {
      const ra = a.match(q, { locale: 'fr' });
      const rb = b.match(q, { locale: 'fr' });
      expect(ra.candidates.map((c) => c.id)).toEqual(rb.candidates.map((c) => c.id));
      expect(ra.candidates[0]?.score).toBeCloseTo(rb.candidates[0]?.score ?? 0, 6);
    }
  });
});
