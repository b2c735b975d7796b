/**
 * Language analysis: normalisation, tokenisation with offsets, elisions, stop words, stemming,
 * accent folding and language detection. Pure functions; per-locale configuration is data.
 */
import snowball from 'snowball-stemmers';
import iso from 'stopwords-iso/stopwords-iso.json' with { type: 'json' };
import type { Locale } from './types.ts';

export interface Token {
  /** Original text of the token (as written). */
  surface: string;
  /** Lower-cased, accent-folded surface (elision removed). */
  folded: string;
  /** Index term (stem, folded); also computed for stop words (indexed in questions only). */
  term: string;
  start: number;
  end: number;
  stop: boolean;
}

export interface LocaleConfig {
  locale: Locale;
  /** Snowball algorithm name ('french', 'english', …), or undefined for no stemming. */
  stemmer?: string;
  /** Elided prefixes without the apostrophe: "l'avion" → "avion". */
  elisions?: string[];
  /** Stop words (any case/accents; they are folded). */
  stopWords?: Iterable<string>;
  /** Words kept even if present in `stopWords` (negations, question words, content words). */
  keepWords?: Iterable<string>;
  /** Word → base form applied before stemming (irregular forms the stemmer cannot conflate). */
  overrides?: Record<string, string>;
  /** Extra normalisation on folded stems (e.g. French plural). */
  postStem?: (term: string) => string;
  /**
   * Chat and SMS shorthands → the words they stand for ("cmt" → "comment", "mdp" → "mot de passe"),
   * applied to indexed text and queries alike; editors add domain ones as synonyms.
   */
  shorthands?: Record<string, string>;
  /**
   * Question words and light verbs ("quel", "comment", "faire", "pouvoir"): kept for ranking, but they
   * say nothing about what the question is about, so they lend no topical support (English light verbs
   * are stop words already).
   */
  nonTopicalWords?: string[];
}

interface LocaleRuntime {
  config: LocaleConfig;
  stop: Set<string>;
  elisions: Set<string>;
  stem: (word: string) => string;
  cache: Map<string, { folded: string; term: string; stop: boolean }>;
  /** Folded shorthand → its words (lower case). */
  shorthands: Map<string, string[]>;
  /** Index terms of the question words. */
  nonTopicalTerms: Set<string>;
}

const ISO = iso as unknown as Record<string, string[]>;

/** Lower-case, Unicode-compatibility normalise and strip diacritics (œ → oe, ß → ss). */
export function fold(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII fast path
  if (/^[\x00-\x7f]*$/.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/** Negations and question-critical words are never stop words: they change what is asked. */
const EN_KEEP = [
  'not',
  'no',
  'nor',
  'never',
  'without',
  'cannot',
  'cant',
  'how',
  'why',
  'when',
  'where',
  'which',
  'who',
  'whom',
  'whose',
  // content words that the generic ISO list treats as stop words but matter in customer care
  'account',
  'act',
  'added',
  'allow',
  'amount',
  'area',
  'ask',
  'auth',
  'available',
  'back',
  'bill',
  'billion',
  'buy',
  'call',
  'case',
  'cause',
  'change',
  'changes',
  'click',
  'computer',
  'copy',
  'date',
  'detail',
  'different',
  'due',
  'early',
  'empty',
  'end',
  'example',
  'fill',
  'find',
  'fire',
  'fix',
  'free',
  'full',
  'get',
  'give',
  'group',
  'half',
  'help',
  'high',
  'home',
  'homepage',
  'index',
  'information',
  'interest',
  'join',
  'keep',
  'keys',
  'know',
  'large',
  'last',
  'late',
  'lately',
  'latest',
  'length',
  'less',
  'line',
  'long',
  'longer',
  'look',
  'low',
  'lower',
  'member',
  'members',
  'million',
  'minus',
  'miss',
  'move',
  'name',
  'need',
  'new',
  'next',
  'number',
  'numbers',
  'obtain',
  'off',
  'old',
  'open',
  'opened',
  'order',
  'ordered',
  'orders',
  'page',
  'pages',
  'part',
  'past',
  'place',
  'plus',
  'point',
  'present',
  'problem',
  'problems',
  'put',
  'recent',
  'recently',
  'research',
  'reserved',
  'result',
  'right',
  'ring',
  'room',
  'run',
  'same',
  'second',
  'seconds',
  'section',
  'see',
  'sent',
  'show',
  'side',
  'site',
  'small',
  'start',
  'state',
  'still',
  'stop',
  'system',
  'take',
  'tell',
  'test',
  'text',
  'today',
  'top',
  'turn',
  'up',
  'use',
  'used',
  'value',
  'want',
  'way',
  'web',
  'website',
  'welcome',
  'work',
  'working',
  'works',
  'world',
  'year',
  'years',
  'zero',
  'wrong',
  'download',
  'out',
  'down',
  'over',
  'before',
  'after',
  'again',
  'all',
  'ago',
  'many',
  'much',
  'more',
  'most',
  'too',
  'only',
  'own',
  'other',
];

const FR_KEEP = [
  'ne',
  'pas',
  'non',
  'jamais',
  'rien',
  'aucun',
  'aucune',
  'sans',
  'plus',
  'moins',
  'comment',
  'pourquoi',
  'quand',
  'combien',
  'ou',
  'quel',
  'quelle',
  'quels',
  'quelles',
  // content words present in the generic ISO list
  'mot',
  'piece',
  'retour',
  'ouvert',
  'ouverte',
  'etat',
  'valeur',
  'debut',
  'passe',
  'personne',
  'personnes',
  'premier',
  'premiere',
  'dernier',
  'derniere',
  'nouveau',
  'nouveaux',
  'haut',
  'bas',
  'droite',
  'force',
  'parole',
  'sujet',
  'suivi',
  'suivre',
  'essai',
  'fois',
  'dire',
  'parler',
  'retour',
  'reste',
  'rendre',
  'compris',
  'fin',
  'merci',
  'stop',
  'clic',
  'depuis',
  'avant',
  'apres',
  'encore',
  'toujours',
  'deja',
  'different',
  'directement',
];

const frenchPlural = (t: string): string => (t.length > 4 && /[sx]$/.test(t) ? t.slice(0, -1) : t);

const registry = new Map<Locale, LocaleRuntime>();

/** Registers (or replaces) a locale's analysis configuration. */
export function registerLocale(config: LocaleConfig): void {
  const stemmer = config.stemmer ? snowball.newStemmer(config.stemmer) : undefined;
  const keep = new Set([...(config.keepWords ?? [])].map(fold));
  const stop = new Set<string>();
  for (const w of config.stopWords ?? []) {
    const f = fold(w);
    if (!keep.has(f) && !/\d/.test(f)) stop.add(f);
  }
  const post = config.postStem;
  const overrides = config.overrides ?? {};
  const stem = (word0: string): string => {
    const word = overrides[word0] ?? word0;
    if (/\d/.test(word)) return fold(word);
    let t = fold(stemmer ? stemmer.stem(word) : word);
    if (post) t = post(t);
    return t;
  };
  registry.set(config.locale, {
    config,
    stop,
    elisions: new Set((config.elisions ?? []).map(fold)),
    stem,
    cache: new Map(),
    shorthands: new Map(
      Object.entries(config.shorthands ?? {}).map(([k, v]) => [fold(k), v.toLowerCase().split(/[\s']+/)]),
    ),
    nonTopicalTerms: new Set((config.nonTopicalWords ?? []).map((w) => stem(w.toLowerCase()))),
  });
}

/** French chat/SMS writing seen in customer messages (general language, not a domain). */
const FR_SHORTHANDS: Record<string, string> = {
  cmt: 'comment',
  cmnt: 'comment',
  pk: 'pourquoi',
  pq: 'pourquoi',
  pkoi: 'pourquoi',
  pcq: 'parce que',
  qd: 'quand',
  kan: 'quand',
  koi: 'quoi',
  bcp: 'beaucoup',
  tjr: 'toujours',
  tjrs: 'toujours',
  pr: 'pour',
  ds: 'dans',
  dc: 'donc',
  avc: 'avec',
  mm: 'même',
  qqn: "quelqu'un",
  qqch: 'quelque chose',
  auj: "aujourd'hui",
  ajd: "aujourd'hui",
  mtn: 'maintenant',
  bjr: 'bonjour',
  slt: 'salut',
  jsp: 'je sais pas',
  chui: 'je suis',
  jsuis: 'je suis',
  jpeux: 'je peux',
  jveux: 'je veux',
  jvais: 'je vais',
  jfais: 'je fais',
  jai: "j'ai",
  ya: 'il y a',
  pb: 'problème',
  pbm: 'problème',
  pblm: 'problème',
  tel: 'téléphone',
  msg: 'message',
  appli: 'application',
  abo: 'abonnement',
  conso: 'consommation',
  elec: 'électricité',
  dispo: 'disponible',
  infos: 'informations',
  num: 'numéro',
  rdv: 'rendez-vous',
  mdp: 'mot de passe',
  cb: 'carte bancaire',
};

/** English chat writing: dropped apostrophes and texting forms. */
const EN_SHORTHANDS: Record<string, string> = {
  pls: 'please',
  plz: 'please',
  u: 'you',
  ur: 'your',
  thx: 'thanks',
  acct: 'account',
  pwd: 'password',
  msg: 'message',
  info: 'information',
  cuz: 'because',
  bc: 'because',
  im: 'i am',
  ive: 'i have',
  dont: 'do not',
  doesnt: 'does not',
  didnt: 'did not',
  isnt: 'is not',
  wasnt: 'was not',
  wont: 'will not',
  cant: 'can not',
  havent: 'have not',
  hasnt: 'has not',
  couldnt: 'could not',
  wouldnt: 'would not',
  shouldnt: 'should not',
};

registerLocale({
  locale: 'fr',
  stemmer: 'french',
  shorthands: FR_SHORTHANDS,
  nonTopicalWords: [
    ...['quel', 'quelle', 'quels', 'quelles', 'comment', 'pourquoi', 'quand', 'combien', 'qui', 'quoi'],
    ...['faire', 'fais', 'fait', 'pouvoir', 'pourrais', 'vouloir', 'veux', 'voudrais', 'aimerais'],
    ...['aller', 'vais', 'devoir', 'dois', 'falloir', 'faut'],
  ],
  elisions: ['l', 'd', 'qu', 'j', 'n', 's', 'c', 'm', 't', 'jusqu', 'lorsqu', 'puisqu', 'quoiqu', 'presqu'],
  stopWords: ISO.fr,
  keepWords: FR_KEEP,
  postStem: frenchPlural,
});
/** English irregular verb forms frequent in customer requests (Snowball leaves them apart). */
export const EN_IRREGULAR: Record<string, string> = Object.fromEntries(
  (
    'lost:lose stolen:steal stole:steal paid:pay sent:send got:get gotten:get bought:buy brought:bring ' +
    'took:take taken:take gave:give given:give made:make went:go gone:go came:come done:do did:do ' +
    'said:say told:tell saw:see seen:see found:find left:leave kept:keep held:hold spent:spend ' +
    'withdrew:withdraw withdrawn:withdraw forgot:forget forgotten:forget broke:break broken:break ' +
    'knew:know known:know thought:think chose:choose chosen:choose wrote:write written:write ' +
    'began:begin begun:begin ran:run felt:feel meant:mean met:meet sold:sell won:win ' +
    'understood:understand woke:wake froze:freeze frozen:freeze shut:shut hid:hide hidden:hide'
  )
    .split(' ')
    .map((p) => p.split(':') as [string, string]),
);

registerLocale({
  locale: 'en',
  stemmer: 'english',
  stopWords: ISO.en,
  keepWords: EN_KEEP,
  overrides: EN_IRREGULAR,
  shorthands: EN_SHORTHANDS,
  nonTopicalWords: ['how', 'why', 'when', 'where', 'which', 'who', 'whom', 'whose', 'what'],
});

/** Locales with an analysis configuration. */
export function knownLocales(): Locale[] {
  return [...registry.keys()];
}

function runtime(locale: Locale): LocaleRuntime {
  let rt = registry.get(locale);
  if (!rt) {
    const base = locale.split(/[-_]/)[0]?.toLowerCase() ?? locale;
    rt = registry.get(base);
    if (!rt) {
      // Unknown locale: fold + ISO stop words when available, no stemming.
      registerLocale({ locale: base, stopWords: ISO[base] ?? [] });
      rt = registry.get(base)!;
    }
    registry.set(locale, rt);
  }
  return rt;
}

/** Normalises a query or text before tokenisation (compatibility forms, typographic apostrophes). */
export function normalize(text: string): string {
  return text.normalize('NFC').replace(/[’‘ʼ`´]/g, "'");
}

// A word: letters/digits, optionally joined by apostrophes, dots or commas between digits ("4,99").
const TOKEN_RE =
  /[\p{L}\p{N}](?:[\p{L}\p{N}\p{M}]|['’](?=\p{L})|-(?=[\p{L}\p{N}])|[.,](?=\p{N})(?<=\p{N}.))*|[€$£%]/gu;
const EN_CONTRACTION = /^(.+?)(n't|'s|'m|'re|'ve|'ll|'d)$/;
const SYMBOLS: Record<string, string> = { '€': 'euro', $: 'dollar', '£': 'pound', '%': 'percent' };

/**
 * Tokenises `text` with character offsets into the original string. Stop words are kept in the
 * output, flagged with `stop: true` (highlighting and synonyms need them).
 */
export function tokenize(text: string, locale: Locale): Token[] {
  const rt = runtime(locale);
  const src = normalize(text);
  const out: Token[] = [];
  // Not re-entrant: nothing below calls tokenize() again.
  const re = TOKEN_RE;
  re.lastIndex = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const start = m.index;
    const raw = m[0];
    if (raw.includes('-')) {
      // Compounds: "wi-fi" → wi, fi, wifi; "puis-je" → puis, je, puisje.
      let p = start;
      for (const piece of raw.split('-')) {
        pushWord(rt, piece, p, out);
        p += piece.length + 1;
      }
      const tok = makeToken(rt, raw, raw.replace(/-/g, '').toLowerCase(), start, start + raw.length);
      if (!tok.stop) out.push(tok);
      continue;
    }
    pushWord(rt, raw, start, out);
  }
  return out;
}

function pushWord(rt: LocaleRuntime, raw: string, start: number, out: Token[]): void {
  const sym = SYMBOLS[raw];
  if (sym) {
    out.push({ surface: raw, folded: sym, term: sym, start, end: start + raw.length, stop: false });
    return;
  }
  const lowerRaw = raw.toLowerCase();
  const short = rt.shorthands.size > 0 ? rt.shorthands.get(fold(lowerRaw)) : undefined;
  if (short) {
    // Every word of the expansion points at the shorthand as written.
    for (const word of short) out.push(makeToken(rt, raw, word, start, start + raw.length));
    return;
  }
  let lower = lowerRaw;
  let offset = 0;
  let extra: string | undefined;
  const apos = lower.indexOf("'");
  if (apos > 0) {
    const head = fold(lower.slice(0, apos));
    if (rt.elisions.has(head)) {
      // French-style elisions: l'avion, qu'il, jusqu'à.
      offset = apos + 1;
      lower = lower.slice(apos + 1);
    } else if (rt.config.locale === 'en') {
      const c = EN_CONTRACTION.exec(lower);
      if (c) {
        lower = c[1] === 'ca' ? 'can' : c[1] === 'won' ? 'will' : c[1]!;
        if (c[2] === "n't") extra = 'not';
      }
    }
  }
  let pos = offset;
  for (const part of lower.split("'")) {
    if (!part) {
      pos++;
      continue;
    }
    const idx = lowerRaw.indexOf(part, pos);
    const s = idx >= 0 ? idx : pos;
    const len = idx >= 0 ? part.length : Math.min(part.length, raw.length - s);
    out.push(makeToken(rt, raw.slice(s, s + len), part, start + s, start + s + len));
    pos = s + len;
  }
  if (extra) out.push(makeToken(rt, extra, extra, start, start + raw.length));
}

function makeToken(rt: LocaleRuntime, surface: string, lower: string, start: number, end: number): Token {
  let c = rt.cache.get(lower);
  if (c === undefined) {
    const folded = fold(lower);
    c = { folded, term: rt.stem(lower), stop: rt.stop.has(folded) };
    if (rt.cache.size > 100_000) rt.cache.clear();
    rt.cache.set(lower, c);
  }
  return { surface, folded: c.folded, term: c.term, start, end, stop: c.stop };
}

/**
 * The word after an elision written without its apostrophe ("lassurance" → "assurance",
 * "delectricite" → "electricite"), or undefined: only before a vowel or h, as French elides. The
 * caller checks the remainder against its vocabulary ("lune" must not become "une").
 */
export function withoutElision(folded: string, locale: Locale): string | undefined {
  const rt = runtime(locale);
  for (const e of rt.elisions) {
    if (folded.length >= e.length + 3 && folded.startsWith(e) && /^[aeiouyh]/.test(folded.slice(e.length))) {
      return folded.slice(e.length);
    }
  }
  return undefined;
}

/** Analysed index terms of `text` (stop words removed, stemmed, folded). */
export function analyze(text: string, locale: Locale): string[] {
  const terms: string[] = [];
  for (const t of tokenize(text, locale)) if (!t.stop && t.term) terms.push(t.term);
  return terms;
}

/** Stems one folded word the way `tokenize` would (no stop-word check). */
export function stemWord(word: string, locale: Locale): string {
  const rt = runtime(locale);
  return rt.stem(word.toLowerCase());
}

/** Whether an index term is a question word or light verb ("quel", "faire", "how"): no evidence of topic. */
export function isNonTopicalTerm(term: string, locale: Locale): boolean {
  return runtime(locale).nonTopicalTerms.has(term);
}

export function isStopWord(folded: string, locale: Locale): boolean {
  return runtime(locale).stop.has(folded);
}

// ---------------------------------------------------------------------------------------------
// Language detection: stop-word evidence plus character-trigram profiles learnt from text.

const profiles = new Map<Locale, Map<string, number>>();

/** Optionally teaches the detector a locale's character trigrams from sample text (e.g. the index). */
export function learnLocaleProfile(locale: Locale, text: string, maxGrams = 4000): void {
  let p = profiles.get(locale);
  if (!p) {
    p = new Map();
    profiles.set(locale, p);
  }
  if (p.size >= maxGrams) return;
  const s = ` ${fold(text).replace(/[^\p{L}]+/gu, ' ')} `;
  for (let i = 0; i + 3 <= s.length; i++) {
    const g = s.slice(i, i + 3);
    p.set(g, (p.get(g) ?? 0) + 1);
  }
}

/**
 * Detects the locale of `text` among `candidates`. Evidence: share of (folded) words that are stop
 * words of the locale, accented letters typical of the locale, and learnt trigram profiles if any.
 * Returns the first candidate when there is no evidence.
 */
export function detectLocale(text: string, candidates: Locale[]): Locale {
  if (candidates.length <= 1) return candidates[0] ?? 'en';
  const words = fold(normalize(text))
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);
  const lowerText = text.toLowerCase();
  const sets = candidates.map((loc) => isoFolded(loc));
  const useProfiles = candidates.every((c) => (profiles.get(c)?.size ?? 0) > 0);
  let best = candidates[0]!;
  let bestScore = -Infinity;
  candidates.forEach((loc, li) => {
    const rt = runtime(loc);
    const own = sets[li]!;
    let score = 0;
    for (const w0 of words) {
      const parts = w0.split("'");
      if (parts.length > 1 && rt.elisions.has(parts[0] ?? '')) score += 1;
      const w = parts.length > 1 ? (parts[1] ?? w0) : w0;
      if (!own.has(w)) continue;
      // Words shared with another candidate's list are not evidence.
      if (sets.some((o, oi) => oi !== li && o.has(w))) continue;
      score += 1;
    }
    if (loc.startsWith('fr') && /[éèêàçùœâîô]/.test(lowerText)) score += 1.5;
    const prof = profiles.get(loc);
    if (useProfiles && prof) {
      let total = 0;
      for (const v of prof.values()) total += v;
      const s = ` ${words.join(' ')} `;
      let lp = 0;
      let n = 0;
      for (let i = 0; i + 3 <= s.length; i++) {
        const c = prof.get(s.slice(i, i + 3)) ?? 0;
        lp += Math.log((c + 0.5) / (total + prof.size));
        n++;
      }
      if (n) score += lp / n;
    }
    if (score > bestScore) {
      bestScore = score;
      best = loc;
    }
  });
  return best;
}

const isoCache = new Map<Locale, Set<string>>();
function isoFolded(locale: Locale): Set<string> {
  let s = isoCache.get(locale);
  if (!s) {
    const list = ISO[locale.split(/[-_]/)[0] ?? locale] ?? [];
    // Only short, very frequent function words are discriminative (long ISO entries overlap).
    s = new Set(list.map(fold).filter((w) => w.length <= 5 && w.length >= 2 && !/\d/.test(w)));
    isoCache.set(locale, s);
  }
  return s;
}
