/**
 * The demo's self-service actions (README, "Self-service actions"): "Renvoyer ma dernière facture"
 * for every signed-in customer and "Redémarrer ma box" for fibre customers (Claire Martin, the demo
 * account, sees both). Their endpoint is played by Relais itself under `/demo/api/customer/*`, through
 * the demo flows' `nuvia-demo` connection — an address on this machine, so the outbound guard lets
 * it through only with `RELAIS_OUTBOUND_ALLOWLIST=localhost` (docs/configuration.md).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import { ActionDefinition } from '../modules/actions/schemas.ts';
import { createAction, listActions } from '../modules/actions/service.ts';
import type { Actor } from '../server/access.ts';

const NB = '\u00a0';

const DEMO_ACTIONS = [
  {
    key: 'resend-last-invoice',
    name: { fr: 'Renvoyer ma dernière facture', en: 'Resend my latest invoice' },
    description: {
      fr: 'Recevez à nouveau votre dernière facture à l’adresse de votre compte.',
      en: 'Get your latest invoice again at your account’s address.',
    },
    confirmText: {
      fr: `Nous renvoyons votre dernière facture à l’adresse de votre compte. Confirmer${NB}?`,
      en: 'We will send your latest invoice again to your account’s address. Confirm?',
    },
    successText: {
      fr: `Facture {{response.invoice}} renvoyée${NB}: elle arrive dans quelques minutes.`,
      en: 'Invoice {{response.invoice}} sent again: it will arrive within minutes.',
    },
    failureText: {
      fr: `Nous n’avons pas pu renvoyer la facture. Réessayez plus tard ou contactez-nous.`,
      en: 'We could not resend the invoice. Try again later or contact us.',
    },
    connection: 'nuvia-demo',
    method: 'POST' as const,
    path: '/customer/invoices/resend',
    sendFields: ['id' as const, 'email' as const],
    rateLimit: { max: 3, windowMinutes: 60 },
    position: 0,
  },
  {
    key: 'restart-box',
    name: { fr: 'Redémarrer ma box', en: 'Restart my box' },
    description: {
      fr: 'Redémarrez votre box à distance, sans débrancher quoi que ce soit.',
      en: 'Restart your box remotely, without unplugging anything.',
    },
    confirmText: {
      fr: `Votre box redémarre pendant environ 3${NB}minutes${NB}: internet, téléphone et TV seront coupés. Confirmer${NB}?`,
      en: 'Your box restarts for about 3 minutes: internet, phone and TV will be off. Confirm?',
    },
    successText: {
      fr: `Redémarrage lancé${NB}: votre box sera de nouveau en ligne vers {{response.backOnlineAt}}.`,
      en: 'Restart started: your box will be back online around {{response.backOnlineAt}}.',
    },
    failureText: {
      fr: 'Le redémarrage n’a pas pu être lancé. Débranchez la box 10 secondes puis rebranchez-la.',
      en: 'The restart could not be started. Unplug the box for 10 seconds, then plug it back in.',
    },
    connection: 'nuvia-demo',
    method: 'POST' as const,
    path: '/customer/box/restart',
    sendFields: ['id' as const, 'segments' as const],
    segments: ['product=fibre'],
    rateLimit: { max: 2, windowMinutes: 60 },
    position: 1,
  },
];

/** Creates the demo actions that do not exist yet (the `nuvia-demo` connection comes with the flows). */
export async function loadDemoActions(db: Db, actor: Actor) {
  const existing = new Set((await listActions(db)).map((a) => a.key));
  for (const def of DEMO_ACTIONS) {
    if (!existing.has(def.key)) await createAction(db, actor, ActionDefinition.parse(def));
  }
}

const DemoCall = z.object({ customer: z.object({ id: z.string() }).loose() }).loose();

/** Nuvia's customer API, played by Relais for the demo actions (RELAIS_DEMO=on). Deterministic. */
export default async function demoActionEndpoints(app: FastifyInstance) {
  const route = {
    config: { access: 'public' as const, rateLimit: { max: 30, timeWindow: '1 minute' } },
    schema: { hide: true, body: DemoCall },
  };
  app.post('/demo/api/customer/invoices/resend', route, async () => ({
    invoice: 'F-2026-11-0042',
    sent: true,
  }));
  app.post('/demo/api/customer/box/restart', route, async () => {
    const back = new Date(Date.now() + 3 * 60_000);
    return {
      restarting: true,
      backOnlineAt: `${String(back.getUTCHours()).padStart(2, '0')}:${String(back.getUTCMinutes()).padStart(2, '0')} UTC`,
    };
  });
}
