import { analyze, detectLocale, tokenize } from '../analysis.ts';

for (const [t, l] of [
  ["Jusqu'à quand puis-je résilier l'abonnement 5G à 39€ ? Code PUK, RIO", 'fr'],
  ["I can't log in, what's my PIN? Don't charge 4,99$ twice", 'en'],
  ['Comment réinitialiser mon mot de passe ?', 'fr'],
  ['wi-fi e-mail', 'en'],
] as const) {
  console.log(analyze(t, l));
}
console.log(tokenize("l'appli n'a pas", 'fr'));
for (const q of [
  'comment changer mon forfait',
  'how do i change my plan',
  'mdp oublie',
  'je veux resilier',
  'card not working',
  'carte bloquée',
  'internet ne marche pas',
])
  console.log(q, detectLocale(q, ['fr', 'en']));
