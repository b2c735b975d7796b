import { describe, expect, it } from 'vitest';
import { maskDeep, maskPersonalData } from './mask.ts';

describe('maskPersonalData', () => {
  it.each([
    ['mon email est jean.dupont@exemple.fr merci', 'mon email est [email] merci'],
    ['rappelez moi au 06 12 34 56 78', 'rappelez moi au [phone]'],
    ['call +33 6 12 34 56 78 please', 'call [phone] please'],
    ['mon iban FR76 3000 6000 0112 3456 7890 189 svp', 'mon iban [iban] svp'],
    ['carte 4970 1012 3456 7890 refusée', 'carte [card] refusée'],
  ])('%s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it('leaves ordinary questions, amounts and codes alone', () => {
    for (const q of [
      'facture de 39,99 € en mai',
      'code PUK 8 chiffres',
      'box 4G ne marche pas',
      'forfait 100 Go',
    ]) {
      expect(maskPersonalData(q)).toBe(q);
    }
  });

  it('masks nested values', () => {
    expect(maskDeep({ q: 'a@b.fr', list: ['0612345678'], n: 3 })).toEqual({
      q: '[email]',
      list: ['[phone]'],
      n: 3,
    });
  });
});
