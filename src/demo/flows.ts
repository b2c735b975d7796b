/**
 * The demo's guided flows: "internet down" troubleshooting (with the line-test action served by
 * Relais at /demo/api/line-test) and "change my plan", in French and English. Idempotent: flows whose
 * key exists are left as they are.
 */
import type { Db } from '../db/client.ts';
import type { FlowDefinitionInput } from '../modules/bot/flow-schema.ts';
import { createFlow, linkArticle, publishFlow, saveConnection } from '../modules/bot/flow-service.ts';
import { findFlowByKey } from '../modules/bot/repository.ts';
import type { Actor } from '../server/access.ts';

const SYSTEM: Actor = { kind: 'anonymous' };

function internetDown(locale: 'fr' | 'en', articleId: string | undefined): FlowDefinitionInput {
  const fr = locale === 'fr';
  return {
    key: `internet-down-${locale}`,
    title: fr ? 'Je n’ai plus internet' : 'My internet is down',
    locale,
    start: 'light',
    nodes: {
      light: {
        type: 'question',
        text: fr ? 'De quelle couleur est le voyant de votre box ?' : 'What colour is the light on your box?',
        choices: [
          { value: 'red', label: fr ? 'Rouge' : 'Red', next: 'restart' },
          { value: 'white', label: fr ? 'Blanc' : 'White', next: 'line' },
          { value: 'off', label: fr ? 'Éteint' : 'Off', next: 'power' },
        ],
      },
      power: {
        type: 'message',
        text: fr
          ? 'Vérifiez que l’alimentation est branchée et appuyez sur le bouton marche/arrêt.'
          : 'Check the power cable is plugged in and press the on/off button.',
        next: 'restart',
      },
      restart: {
        type: 'message',
        text: fr
          ? 'Débranchez la box 30 secondes, rebranchez-la et attendez 10 minutes que le voyant passe au blanc.'
          : 'Unplug the box for 30 seconds, plug it back in and wait 10 minutes for the light to turn white.',
        next: 'fixed',
      },
      fixed: {
        type: 'question',
        text: fr ? 'Internet fonctionne-t-il de nouveau ?' : 'Is internet working again?',
        choices: [
          { value: 'yes', label: fr ? 'Oui' : 'Yes', next: 'done' },
          { value: 'no', label: fr ? 'Non' : 'No', next: 'line' },
        ],
      },
      line: {
        type: 'question',
        text: fr
          ? 'Je vais tester votre ligne. Quel est votre numéro de ligne fixe (10 chiffres) ?'
          : 'I will test your line. What is your landline number (10 digits)?',
        input: {
          kind: 'regex',
          pattern: '0\\d{9}',
          errorText: fr ? 'Il faut 10 chiffres, commençant par 0.' : 'Please type 10 digits starting with 0.',
          next: 'test',
        },
      },
      test: {
        type: 'action',
        connection: 'nuvia-demo',
        method: 'POST',
        path: '/line-test',
        body: { line: '{{answers.line}}', locale },
        timeoutMs: 3000,
        successText: fr ? 'Résultat du test : {{response.label}}.' : 'Test result: {{response.label}}.',
        next: 'result',
        failureText: fr
          ? 'Le test de ligne est indisponible pour le moment.'
          : 'The line test is unavailable right now.',
        onFailure: 'human',
      },
      result: {
        type: 'condition',
        branches: [{ when: { var: 'answers.line', op: 'matches', value: '0$' }, next: 'human' }],
        otherwise: 'article',
      },
      article: articleId
        ? { type: 'article', articleId, next: 'check' }
        : {
            type: 'message',
            text: fr ? 'Votre ligne est en bon état.' : 'Your line is fine.',
            next: 'check',
          },
      // The line is in sync but the customer may still be offline: never a dead end without a human.
      check: {
        type: 'question',
        text: fr
          ? 'Votre ligne est en bon état. Internet fonctionne-t-il maintenant ?'
          : 'Your line is fine. Is internet working now?',
        choices: [
          { value: 'yes', label: fr ? 'Oui, ça marche' : 'Yes, it works', next: 'done' },
          { value: 'no', label: fr ? 'Non, toujours pas' : 'No, still not', next: 'advisor' },
        ],
      },
      advisor: {
        type: 'escalate',
        text: fr
          ? 'Votre ligne est synchronisée mais internet ne fonctionne toujours pas : je transmets votre dossier et le résultat du test à un conseiller.'
          : 'Your line is in sync but internet still does not work: I am passing your case and the test result to an advisor.',
      },
      human: {
        type: 'escalate',
        text: fr
          ? 'Un technicien doit intervenir : je transmets votre dossier à un conseiller.'
          : 'A technician is needed: I am passing your case to an advisor.',
      },
      done: { type: 'end', text: fr ? 'Parfait, bonne navigation !' : 'Great, enjoy your connection!' },
    },
  };
}

function changePlan(locale: 'fr' | 'en', articleId: string | undefined): FlowDefinitionInput {
  const fr = locale === 'fr';
  return {
    key: `change-plan-${locale}`,
    title: fr ? 'Changer d’offre' : 'Change my plan',
    locale,
    start: 'what',
    nodes: {
      what: {
        type: 'question',
        text: fr ? 'Quelle offre souhaitez-vous changer ?' : 'Which plan would you like to change?',
        choices: [
          { value: 'mobile', label: fr ? 'Forfait mobile' : 'Mobile plan', next: 'mobile' },
          { value: 'box', label: fr ? 'Offre box' : 'Broadband plan', next: 'commitment' },
        ],
      },
      mobile: {
        type: 'message',
        text: fr
          ? 'Le changement de forfait mobile se fait dans Mon Nuvia > Mon offre > Changer de forfait, sans frais, effectif sous 24 h.'
          : 'Change your mobile plan in Mon Nuvia > My plan > Change plan, free of charge, effective within 24 hours.',
        next: 'article',
      },
      commitment: {
        type: 'condition',
        branches: [{ when: { var: 'customer.plan', op: 'eq', value: 'pro' }, next: 'pro' }],
        otherwise: 'box',
      },
      pro: {
        type: 'escalate',
        text: fr
          ? 'Les offres Pro se modifient avec votre conseiller dédié : je lui transmets votre demande.'
          : 'Pro plans are changed with your account manager: I am passing your request on.',
      },
      box: {
        type: 'message',
        text: fr
          ? 'Vous pouvez passer à une offre box supérieure à tout moment depuis Mon Nuvia ; pour une offre inférieure, comptez un mois de préavis.'
          : 'You can upgrade your broadband plan at any time from Mon Nuvia; a downgrade takes one month’s notice.',
        next: 'article',
      },
      article: articleId
        ? { type: 'article', articleId, next: 'answered' }
        : {
            type: 'message',
            text: fr ? 'Tout est expliqué dans l’aide en ligne.' : 'The help centre explains it all.',
            next: 'answered',
          },
      answered: {
        type: 'question',
        text: fr ? 'Cela répond-il à votre question ?' : 'Does this answer your question?',
        choices: [
          { value: 'yes', label: fr ? 'Oui, merci' : 'Yes, thanks', next: 'done' },
          {
            value: 'no',
            label: fr ? 'Non, je veux un conseiller' : 'No, I want an advisor',
            next: 'advisor',
          },
        ],
      },
      advisor: {
        type: 'escalate',
        text: fr
          ? 'Je transmets votre demande à un conseiller, avec les choix que vous venez de faire.'
          : 'I am passing your request to an advisor, with the choices you have just made.',
      },
      done: { type: 'end', text: fr ? 'Bonne journée !' : 'Have a nice day!' },
    },
  };
}

/**
 * Loads the demo flows, publishes them and links them to their answers. `articleId` maps a demo
 * answer key and locale to the knowledge base's id of that answer (undefined → no link).
 */
export async function loadDemoFlows(
  db: Db,
  options: { publicUrl: string; articleId: (key: string, locale: 'fr' | 'en') => string | undefined },
): Promise<{ created: string[]; flowIds: string[] }> {
  await saveConnection(db, SYSTEM, 'nuvia-demo', {
    baseUrl: `${options.publicUrl}/demo/api`,
    timeoutMs: 3000,
  });
  const created: string[] = [];
  const flowIds: string[] = [];
  for (const locale of ['fr', 'en'] as const) {
    const pairs: Array<[FlowDefinitionInput, string]> = [
      [internetDown(locale, options.articleId('restart-reset-box', locale)), 'no-internet-red-light'],
      [changePlan(locale, options.articleId('change-plan', locale)), 'change-plan'],
    ];
    for (const [def, answerKey] of pairs) {
      const existing = await findFlowByKey(db, def.key);
      if (existing) {
        flowIds.push(existing.id);
        continue;
      }
      const flow = await createFlow(db, SYSTEM, def);
      flowIds.push(flow.id);
      await publishFlow(db, SYSTEM, flow.id);
      const articleId = options.articleId(answerKey, locale);
      if (articleId) await linkArticle(db, SYSTEM, articleId, flow.id);
      created.push(def.key);
    }
  }
  return { created, flowIds };
}
