import { describe, expect, it } from 'vitest';
import { maskDeep, maskPersonalData } from './mask.ts';

describe('maskPersonalData', () => {
  it.each([
    ['mon email est jean.dupont@exemple.fr merci', 'mon email est [email] merci'],
    ['rappelez moi au 06 12 34 56 78', 'rappelez moi au [phone]'],
    ['call +33 6 12 34 56 78 please', 'call [phone] please'],
    ['mon iban FR76 3000 6000 0112 3456 7890 189 svp', 'mon iban [iban] svp'],
    ['carte 4970 1012 3456 7890 refusée', 'carte [card] refusée'],
    // French shapes seen in search boxes and bot turns
    [
      'Mon adresse mail: Jean.Dupont+box@orange.fr ne marche plus',
      'Mon adresse mail: [email] ne marche plus',
    ],
    ['appelez moi au 06.12.34.56.78', 'appelez moi au [phone]'],
    ['tel 0612345678 svp', 'tel [phone] svp'],
    ['rappel au +33 (0)6 12 34 56 78', 'rappel au [phone]'],
    ['0033 6 12 34 56 78 injoignable', '[phone] injoignable'],
    ['iban fr7630006000011234567890189 remboursement', 'iban [iban] remboursement'],
    ['ma carte 4970-1012-3456-7890 est bloquée', 'ma carte [card] est bloquée'],
    ['je déménage au 12 rue de la Paix 75002 Paris', 'je déménage au [address]'],
    ['nouvelle adresse 3 bis avenue Victor Hugo, 69003 Lyon', 'nouvelle adresse [address]'],
    // English shapes
    ['my email is john.smith@example.co.uk', 'my email is [email]'],
    ['call me on +44 20 7946 0958', 'call me on [phone]'],
    ['my number is +1 (415) 555-2671', 'my number is [phone]'],
    ['phone 415-555-2671 after 5pm', 'phone [phone] after 5pm'],
    ['refund to GB29 NWBK 6016 1331 9268 19', 'refund to [iban]'],
    ['amex 3782 822463 10005 declined', 'amex [card] declined'],
    ['card number 4970101234567890 declined', 'card number [card] declined'],
    ['I moved to 221B Baker Street, London NW1 6XE', 'I moved to [address], London [postcode]'],
    [
      'ship to 1600 Amphitheatre Parkway, Mountain View, CA 94043',
      'ship to [address], Mountain View, [postcode]',
    ],
  ])('%s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it('leaves ordinary questions, amounts and codes alone', () => {
    for (const q of [
      'facture de 39,99 € en mai',
      'code PUK 8 chiffres',
      'box 4G ne marche pas',
      'forfait 100 Go',
      'forfait 100 Go à 19,99 €',
      'code PUK 12345678',
      'commande n° 2024-118833',
      'facture du 12/03/2025',
      'order #123456789',
      'my 5G plan costs 20 euros',
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
