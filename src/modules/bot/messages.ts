/**
 * Everything the bot says, in French (formal "vous" or informal "tu") and English. Keys are stable:
 * surfaces and tests rely on the words, so change them with care.
 */
export type Tone = 'formal' | 'informal';
export type BotLocale = 'fr' | 'en';

export interface Voice {
  locale: BotLocale;
  tone: Tone;
  botName: string;
}

type Vars = Record<string, string>;
type Line = string | { formal: string; informal: string };

const FR = {
  greeting: {
    formal: 'Bonjour, je suis {bot}. Posez-moi votre question, je cherche la réponse pour vous.',
    informal: 'Salut, je suis {bot} ! Pose-moi ta question, je cherche la réponse pour toi.',
  },
  welcomeBack: {
    formal: 'Que puis-je faire d’autre pour vous ?',
    informal: 'Je peux t’aider pour autre chose ?',
  },
  answerIntro: 'Voici ce que j’ai trouvé :',
  readMore: 'Lire l’article complet',
  askSolved: {
    formal: 'Cela a-t-il résolu votre problème ?',
    informal: 'Est-ce que ça a résolu ton problème ?',
  },
  yes: 'Oui',
  no: 'Non',
  clarify: {
    formal: 'Je veux être sûr de bien vous comprendre. Parlez-vous de :',
    informal: 'Je veux être sûr de bien te comprendre. Tu parles de :',
  },
  noneOfThese: 'Aucune de ces réponses',
  abstain: {
    formal:
      'Je n’ai pas trouvé de réponse fiable à votre question. Vous pouvez la reformuler, ou je vous mets en relation avec un conseiller.',
    informal:
      'Je n’ai pas trouvé de réponse fiable à ta question. Tu peux la reformuler, ou je te mets en relation avec un conseiller.',
  },
  stillStuck: {
    formal:
      'Je n’arrive toujours pas à vous aider. Un conseiller peut prendre le relais : il verra notre échange, vous n’aurez rien à répéter.',
    informal:
      'Je n’arrive toujours pas à t’aider. Un conseiller peut prendre le relais : il verra notre échange, tu n’auras rien à répéter.',
  },
  loop: {
    formal: 'Je vous ai déjà proposé cette réponse et elle ne semble pas suffire.',
    informal: 'Je t’ai déjà proposé cette réponse et elle ne semble pas suffire.',
  },
  humanOffer: {
    formal:
      'Bien sûr. Je peux vous mettre en relation avec un conseiller ; il verra notre échange, vous n’aurez rien à répéter.',
    informal:
      'Bien sûr. Je peux te mettre en relation avec un conseiller ; il verra notre échange, tu n’auras rien à répéter.',
  },
  insult: {
    formal:
      'Je comprends votre agacement et je suis là pour vous aider. Si vous le souhaitez, un conseiller peut prendre le relais.',
    informal:
      'Je comprends ton agacement et je suis là pour t’aider. Si tu veux, un conseiller peut prendre le relais.',
  },
  frustrated: {
    formal:
      'Je suis désolé pour ce désagrément. Si cela ne suffit pas, un conseiller peut prendre le relais.',
    informal: 'Désolé pour ce désagrément. Si ça ne suffit pas, un conseiller peut prendre le relais.',
  },
  notSolved: {
    formal: 'Désolé que cela ne vous ait pas aidé. Vous pouvez reformuler, ou parler à un conseiller.',
    informal: 'Désolé que ça ne t’ait pas aidé. Tu peux reformuler, ou parler à un conseiller.',
  },
  solved: {
    formal: 'Parfait, ravi d’avoir pu vous aider ! N’hésitez pas si vous avez une autre question.',
    informal: 'Super, ravi d’avoir pu t’aider ! N’hésite pas si tu as une autre question.',
  },
  thanks: {
    formal: 'Avec plaisir ! Avez-vous une autre question ?',
    informal: 'Avec plaisir ! Tu as une autre question ?',
  },
  rephrase: {
    formal: 'Je vous écoute : reformulez votre question avec vos mots.',
    informal: 'Je t’écoute : reformule ta question avec tes mots.',
  },
  escalate: 'Parler à un conseiller',
  escalateRephrase: 'Reformuler',
  keepGoing: 'Non, continuer avec {bot}',
  escalated: {
    formal:
      'C’est noté : votre demande est transmise à un conseiller (référence {ref}), avec notre échange. Vous serez recontacté rapidement.',
    informal:
      'C’est noté : ta demande est transmise à un conseiller (référence {ref}), avec notre échange. Tu seras recontacté rapidement.',
  },
  escalatedLive: {
    formal:
      'Je vous mets en relation avec un conseiller (référence {ref}) : il reçoit notre échange, vous n’aurez rien à répéter.',
    informal:
      'Je te mets en relation avec un conseiller (référence {ref}) : il reçoit notre échange, tu n’auras rien à répéter.',
  },
  startFlow: 'Me guider pas à pas',
  flowInvalidInput: {
    formal: 'Cette réponse ne semble pas valide. Pouvez-vous vérifier ?',
    informal: 'Cette réponse ne semble pas valide. Tu peux vérifier ?',
  },
  flowPickChoice: {
    formal: 'Merci de choisir une des options proposées.',
    informal: 'Choisis une des options proposées.',
  },
  flowActionFailed: {
    formal: 'Je n’ai pas pu effectuer cette vérification pour le moment.',
    informal: 'Je n’ai pas pu faire cette vérification pour le moment.',
  },
  flowDone: 'Parcours terminé.',
  emptyPrompt: { formal: 'Que puis-je faire pour vous ?', informal: 'Que puis-je faire pour toi ?' },
  generatedFooter: 'Sources :',
} satisfies Record<string, Line>;

const EN: Record<keyof typeof FR, string> = {
  greeting: 'Hello, I’m {bot}. Ask me your question and I’ll look up the answer for you.',
  welcomeBack: 'What else can I do for you?',
  answerIntro: 'Here is what I found:',
  readMore: 'Read the full article',
  askSolved: 'Did this solve your problem?',
  yes: 'Yes',
  no: 'No',
  clarify: 'I want to be sure I understand. Do you mean:',
  noneOfThese: 'None of these',
  abstain:
    'I couldn’t find a reliable answer to your question. You can rephrase it, or I can put you in touch with an advisor.',
  stillStuck:
    'I still can’t help you with this. An advisor can take over: they will see our conversation, so you won’t have to repeat anything.',
  loop: 'I already suggested this answer and it does not seem to be enough.',
  humanOffer:
    'Of course. I can put you in touch with an advisor; they will see our conversation, so you won’t have to repeat anything.',
  insult: 'I understand your frustration and I’m here to help. If you prefer, an advisor can take over.',
  frustrated: 'I’m sorry for the trouble. If this isn’t enough, an advisor can take over.',
  notSolved: 'Sorry that didn’t help. You can rephrase, or talk to an advisor.',
  solved: 'Great, glad I could help! Feel free to ask anything else.',
  thanks: 'You’re welcome! Anything else I can help with?',
  rephrase: 'I’m listening: please rephrase your question in your own words.',
  escalate: 'Talk to an advisor',
  escalateRephrase: 'Rephrase',
  keepGoing: 'No, keep going with {bot}',
  escalated:
    'Done: your request has been passed to an advisor (reference {ref}) together with our conversation. You will be contacted shortly.',
  escalatedLive:
    'I am connecting you with an advisor (reference {ref}): they get our conversation, so you will not repeat anything.',
  startFlow: 'Guide me step by step',
  flowInvalidInput: 'That answer does not look valid. Could you check it?',
  flowPickChoice: 'Please pick one of the options.',
  flowActionFailed: 'I couldn’t run this check right now.',
  flowDone: 'Guide finished.',
  emptyPrompt: 'What can I do for you?',
  generatedFooter: 'Sources:',
};

export type MessageKey = keyof typeof FR;

/** The sentence `key` in the conversation's locale and tone, with `{var}` placeholders filled. */
export function say(voice: Voice, key: MessageKey, vars: Vars = {}): string {
  const line: Line = voice.locale === 'fr' ? FR[key] : EN[key];
  const text = typeof line === 'string' ? line : line[voice.tone];
  return text.replace(/\{(\w+)\}/g, (_, name: string) =>
    name === 'bot' ? voice.botName : (vars[name] ?? `{${name}}`),
  );
}

/** Locales the bot speaks; any other conversation locale falls back to English. */
export function botLocale(locale: string): BotLocale {
  return locale.startsWith('fr') ? 'fr' : 'en';
}
