import { describe, expect, it } from 'vitest';
import { analyze, detectLocale, fold, tokenize } from './index.ts';

describe('French analysis', () => {
  it('folds accents and lower-cases', () => {
    expect(fold('Éléphant Œuvre ÇA')).toBe('elephant oeuvre ca');
  });

  it('removes elisions and stems', () => {
    expect(analyze("l'abonnement", 'fr')).toEqual(analyze('abonnements', 'fr'));
    expect(analyze("jusqu'à lorsqu'il", 'fr')).toEqual([]);
    expect(analyze('résilier', 'fr')).toEqual(analyze('résiliation', 'fr'));
  });

  it('is accent-insensitive on stems', () => {
    expect(analyze('réinitialiser', 'fr')).toEqual(analyze('reinitialiser', 'fr'));
    expect(analyze('problèmes', 'fr')).toEqual(analyze('probleme', 'fr'));
  });

  it('keeps negations and question words', () => {
    const terms = analyze('pourquoi internet ne marche pas', 'fr');
    expect(terms).toContain('pourquoi');
    expect(terms).toContain('pas');
  });

  it('keeps numbers and codes', () => {
    const terms = analyze('Forfait 5G à 39€, code PUK et RIO', 'fr');
    expect(terms).toEqual(expect.arrayContaining(['5g', '39', 'euro', 'puk', 'rio']));
    expect(analyze('4,99 €', 'fr')).toEqual(['4,99', 'euro']);
  });

  it('expands chat shorthands, each word pointing at the shorthand', () => {
    expect(analyze('mdp', 'fr')).toEqual(analyze('mot de passe', 'fr'));
    expect(analyze('pk jpeux pas', 'fr')).toEqual(analyze('pourquoi je peux pas', 'fr'));
    const [first] = tokenize('cb bloquée', 'fr');
    expect(first?.start).toBe(0);
    expect(first?.end).toBe(2);
    expect(analyze('i dont know', 'en')).toEqual(analyze("I don't know", 'en'));
  });

  it('gives character offsets into the original text', () => {
    const text = "J'ai oublié l'accès";
    const t = tokenize(text, 'fr').find((x) => x.folded === 'acces')!;
    expect(text.slice(t.start, t.end)).toBe('accès');
  });
});

describe('English analysis', () => {
  it('stems and removes stop words', () => {
    expect(analyze('The cards were blocked', 'en')).toEqual(['card', 'block']);
  });

  it('expands negative contractions', () => {
    expect(analyze("I can't log in", 'en')).toEqual(expect.arrayContaining(['not', 'log']));
    expect(analyze("doesn't work", 'en')).toContain('not');
  });

  it('keeps codes and joins hyphenated compounds', () => {
    expect(analyze('My 4G PIN', 'en')).toEqual(['4g', 'pin']);
    expect(analyze('wi-fi', 'en')).toContain('wifi');
  });
});

describe('language detection', () => {
  it('detects French and English', () => {
    expect(detectLocale('comment changer mon forfait ?', ['en', 'fr'])).toBe('fr');
    expect(detectLocale('how do I change my plan?', ['fr', 'en'])).toBe('en');
    expect(detectLocale("je n'ai plus de réseau", ['en', 'fr'])).toBe('fr');
    expect(detectLocale('my card is not working', ['fr', 'en'])).toBe('en');
  });

  it('returns the only candidate', () => {
    expect(detectLocale('anything', ['fr'])).toBe('fr');
  });
});
