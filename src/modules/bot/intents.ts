import { analyze, damerau, fold } from '../../engine/index.ts';

/**
 * What a customer's message is, besides (or instead of) a question: small FR/EN lexicons matched on
 * folded words (no accents, lower case) with one typo allowed on words of five letters or more.
 */
export interface Intent {
  kind: 'greeting' | 'thanks' | 'human' | 'insult' | 'yes' | 'no' | 'question' | 'empty';
  /** Frustration words or shouting: a failure signal even when a question comes with them. */
  frustrated: boolean;
  /** The message without its social part (greeting, thanks): what is searched. */
  query: string;
}

type Lexicon = string[];

const GREETING: Lexicon = [
  'bonjour',
  'bonsoir',
  'salut',
  'coucou',
  'bjr',
  'slt',
  'hello',
  'hi',
  'hey',
  'hiya',
  'good morning',
  'good afternoon',
  'good evening',
  'allo',
];
const THANKS: Lexicon = [
  'merci',
  'merci beaucoup',
  'mille merci',
  'thanks',
  'thanks a lot',
  'thank you',
  'thank you very much',
  'thank you so much',
  'thx',
  'cheers',
  'many thanks',
  'parfait',
  'super',
  'top',
  'great',
  'perfect',
  'nickel',
  'genial',
  'awesome',
];
/** Asking for a person. Nouns alone count only in short messages ("conseiller svp"). */
const HUMAN_REQUEST: Lexicon = [
  'parler a quelqu un',
  'parler a une personne',
  'parler a un conseiller',
  'parler a une conseillere',
  'parler a un humain',
  'parler a un agent',
  'parler avec quelqu un',
  'parler avec un conseiller',
  'joindre un conseiller',
  'contacter un conseiller',
  'avoir un conseiller',
  'une vraie personne',
  'un vrai humain',
  'passez moi un conseiller',
  'mettez moi en relation',
  'service client',
  'talk to someone',
  'talk to a human',
  'talk to a person',
  'talk to an agent',
  'speak to someone',
  'speak to a human',
  'speak to a person',
  'speak to an agent',
  'speak with someone',
  'real person',
  'real human',
  'customer service',
  'live agent',
  'live chat',
  'human please',
  'contact support',
];
const HUMAN_NOUN: Lexicon = [
  'conseiller',
  'conseillere',
  'humain',
  'human',
  'agent',
  'operateur',
  'operator',
  'representative',
  'quelqu un',
  'someone',
  'somebody',
  'personne',
];
const INSULT: Lexicon = [
  'con',
  'conne',
  'connard',
  'connasse',
  'debile',
  'abruti',
  'idiot',
  'cretin',
  'nul',
  'nulle',
  'naze',
  'merde',
  'putain',
  'enfoire',
  'stupid',
  'idiot',
  'moron',
  'dumb',
  'crap',
  'shit',
  'fuck',
  'fucking',
  'suck',
  'sucks',
];
const FRUSTRATION: Lexicon = [
  'marre',
  'ras le bol',
  'n importe quoi',
  'inadmissible',
  'inacceptable',
  'scandaleux',
  'scandale',
  'ridicule',
  'enerve',
  'agace',
  'exaspere',
  'toujours pas',
  'ca sert a rien',
  'sert a rien',
  'fed up',
  'ridiculous',
  'unacceptable',
  'annoying',
  'frustrating',
  'frustrated',
  'useless',
  'still not',
  'waste of time',
  'perte de temps',
  'pathetic',
];
const NO: Lexicon = [
  'non',
  'nan',
  'no',
  'nope',
  'pas vraiment',
  'pas du tout',
  'toujours pas',
  'ca marche pas',
  'ca ne marche pas',
  'ca ne marche toujours pas',
  'not really',
  'not at all',
  'it didn t',
  'didn t work',
  'doesn t work',
  'still not',
  'negatif',
];
const YES: Lexicon = [
  'oui',
  'ouais',
  'ouai',
  'yes',
  'yep',
  'yeah',
  'yup',
  'ok',
  'okay',
  'd accord',
  'exact',
  'exactement',
  'tout a fait',
  'c est bon',
  'ca marche',
  'resolu',
  'c est resolu',
  'it did',
  'it worked',
  'solved',
  'sure',
  'absolument',
];
/** Politeness that carries no question ("svp", "please"). */
const FILLER: Lexicon = [
  'svp',
  'stp',
  's il vous plait',
  's il te plait',
  'please',
  'pls',
  'plz',
  'beaucoup',
  'bot',
  'robot',
  'chatbot',
];

export function words(text: string): string[] {
  return fold(text)
    .replace(/[’'`]/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const sameWord = (a: string, b: string) =>
  a === b || (a.length >= 5 && b.length >= 5 && Math.abs(a.length - b.length) <= 1 && damerau(a, b, 1) <= 1);

/** Start index of `phrase` in `ws`, or -1. Each word may carry one typo when long enough. */
function findPhrase(ws: string[], phrase: string[]): number {
  outer: for (let i = 0; i + phrase.length <= ws.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (!sameWord(ws[i + j]!, phrase[j]!)) continue outer;
    return i;
  }
  return -1;
}

const PHRASES = new Map<Lexicon, string[][]>();
function phrasesOf(lexicon: Lexicon): string[][] {
  let p = PHRASES.get(lexicon);
  if (!p) {
    // Longest first, so "merci beaucoup" is removed whole rather than "merci" leaving "beaucoup".
    p = lexicon.map((x) => x.split(' ')).sort((a, b) => b.length - a.length);
    PHRASES.set(lexicon, p);
  }
  return p;
}

const has = (ws: string[], lexicon: Lexicon) => phrasesOf(lexicon).some((p) => findPhrase(ws, p) >= 0);

/** `ws` without every occurrence of the lexicon's phrases. */
function strip(ws: string[], lexicon: Lexicon): string[] {
  let out = ws;
  for (const p of phrasesOf(lexicon)) {
    for (let i = findPhrase(out, p); i >= 0; i = findPhrase(out, p)) {
      out = [...out.slice(0, i), ...out.slice(i + p.length)];
    }
  }
  return out;
}

/** Classifies a customer's message; `locale` picks the analyser that decides what is left to search. */
export function understand(text: string, locale: string): Intent {
  const ws = words(text);
  const shouting =
    /[!?]{3,}/.test(text) || (text.length > 12 && text === text.toUpperCase() && /\p{L}/u.test(text));
  const frustrated = shouting || has(ws, FRUSTRATION);
  const base = { frustrated, query: text.trim() };
  if (ws.length === 0) return { ...base, kind: 'empty' };

  if (has(ws, HUMAN_REQUEST) || (ws.length <= 5 && has(ws, HUMAN_NOUN))) return { ...base, kind: 'human' };

  // "Non, toujours pas" / "oui merci": a short reply that starts with yes or no.
  if (ws.length <= 5) {
    const startsWith = (lexicon: Lexicon) =>
      phrasesOf(lexicon).some((p) => findPhrase(ws.slice(0, p.length), p) === 0);
    if (startsWith(NO)) return { ...base, kind: 'no' };
    if (startsWith(YES)) return { ...base, kind: 'yes' };
  }

  const rest = strip(strip(strip(ws, GREETING), THANKS), FILLER);
  const insulting = ws.some((w) => INSULT.includes(w));
  const content = analyze(rest.filter((w) => !INSULT.includes(w)).join(' '), locale);
  if (content.length > 0 && !(insulting && content.length <= 1)) {
    return { ...base, kind: 'question', frustrated: frustrated || insulting, query: rest.join(' ') };
  }
  if (insulting) return { ...base, kind: 'insult', frustrated: true };
  if (has(ws, THANKS)) return { ...base, kind: 'thanks' };
  if (has(ws, GREETING)) return { ...base, kind: 'greeting' };
  return { ...base, kind: frustrated ? 'no' : 'empty' };
}
