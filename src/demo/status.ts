import type { Db } from '../db/client.ts';
import * as status from '../modules/status/service.ts';
import type { Actor } from '../server/access.ts';

/**
 * The Nuvia status page on first start: grouped components with the words customers use for them,
 * a few incidents over the last 90 days (so the history bars and feeds mean something) and one
 * upcoming maintenance window. No incident is open: the banners stay quiet until one is posted.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const GROUPS = [
  { key: 'network', names: { fr: 'Réseau', en: 'Network' } },
  { key: 'online', names: { fr: 'Services en ligne', en: 'Online services' } },
] as const;

const COMPONENTS = [
  {
    key: 'fibre',
    group: 'network',
    names: { fr: 'Internet fibre', en: 'Fibre internet' },
    keywords: {
      fr: ['internet', 'fibre', 'box', 'wifi', 'connexion'],
      en: ['internet', 'fibre', 'router', 'wifi', 'connection'],
    },
  },
  {
    key: 'adsl',
    group: 'network',
    names: { fr: 'ADSL', en: 'ADSL' },
    keywords: { fr: ['adsl', 'internet', 'cuivre'], en: ['adsl', 'internet', 'copper'] },
  },
  {
    key: 'mobile',
    group: 'network',
    names: { fr: 'Réseau mobile', en: 'Mobile network' },
    keywords: {
      fr: ['mobile', 'portable', 'réseau', '4g', '5g', 'sms', 'appel'],
      en: ['mobile', 'phone', 'network', '4g', '5g', 'sms', 'call'],
    },
  },
  {
    key: 'tv',
    group: 'network',
    names: { fr: 'TV', en: 'TV' },
    keywords: {
      fr: ['tv', 'télé', 'télévision', 'décodeur', 'chaîne'],
      en: ['tv', 'television', 'set-top', 'channel'],
    },
  },
  {
    key: 'account',
    group: 'online',
    names: { fr: 'Espace client', en: 'Customer area' },
    keywords: {
      fr: ['espace', 'client', 'compte', 'connexion', 'appli'],
      en: ['account', 'customer', 'login', 'app'],
    },
  },
  {
    key: 'payments',
    group: 'online',
    names: { fr: 'Paiements', en: 'Payments' },
    keywords: {
      fr: ['paiement', 'payer', 'carte', 'facture', 'prélèvement'],
      en: ['payment', 'pay', 'card', 'bill', 'debit'],
    },
  },
] as const;

type Key = (typeof COMPONENTS)[number]['key'];

const PAST: Array<{
  daysAgo: number;
  hours: number;
  impacts: Array<[Key, status.Impact]>;
  title: { fr: string; en: string };
  steps: Array<{ status: status.IncidentStatus; after: number; fr: string; en: string }>;
  postmortem?: { fr: string; en: string };
}> = [
  {
    daysAgo: 62,
    hours: 3,
    impacts: [['fibre', 'major_outage']],
    title: { fr: 'Coupure de la fibre à Lyon', en: 'Fibre outage in Lyon' },
    steps: [
      {
        status: 'investigating',
        after: 0,
        fr: 'Des clients lyonnais n’ont plus accès à internet. Nous analysons la panne.',
        en: 'Customers in Lyon have lost internet access. We are investigating.',
      },
      {
        status: 'identified',
        after: 0.8,
        fr: 'Un câble a été sectionné lors de travaux de voirie. Les techniciens sont sur place.',
        en: 'A cable was cut during roadworks. Technicians are on site.',
      },
      {
        status: 'resolved',
        after: 1,
        fr: 'Le câble est réparé : la connexion est rétablie pour tous.',
        en: 'The cable is repaired: everyone is back online.',
      },
    ],
    postmortem: {
      fr: 'Un câble de transport a été sectionné par un engin de chantier. **Réparation** en 3 heures ; nous étudions un second chemin pour ce quartier.',
      en: 'A transport cable was cut by roadworks machinery. **Repaired** within 3 hours; we are studying a second route for this area.',
    },
  },
  {
    daysAgo: 35,
    hours: 1.7,
    impacts: [['payments', 'partial_outage']],
    title: { fr: 'Paiements par carte refusés', en: 'Card payments declined' },
    steps: [
      {
        status: 'investigating',
        after: 0,
        fr: 'Certains paiements par carte échouent. Vos prélèvements ne sont pas concernés.',
        en: 'Some card payments fail. Direct debits are not affected.',
      },
      {
        status: 'monitoring',
        after: 0.6,
        fr: 'Notre prestataire a corrigé le problème ; nous surveillons.',
        en: 'Our provider has fixed the problem; we are monitoring.',
      },
      {
        status: 'resolved',
        after: 1,
        fr: 'Les paiements fonctionnent normalement.',
        en: 'Payments work normally.',
      },
    ],
  },
  {
    daysAgo: 18,
    hours: 5,
    impacts: [['mobile', 'degraded_performance']],
    title: { fr: 'Lenteurs 4G à Marseille', en: 'Slow 4G in Marseille' },
    steps: [
      {
        status: 'investigating',
        after: 0,
        fr: 'Débits 4G réduits dans le centre de Marseille.',
        en: 'Reduced 4G speeds in central Marseille.',
      },
      {
        status: 'resolved',
        after: 1,
        fr: 'Une antenne a été redémarrée ; les débits sont revenus à la normale.',
        en: 'An antenna was restarted; speeds are back to normal.',
      },
    ],
  },
  {
    daysAgo: 9,
    hours: 0.75,
    impacts: [
      ['account', 'degraded_performance'],
      ['payments', 'degraded_performance'],
    ],
    title: { fr: 'Espace client lent', en: 'Slow customer area' },
    steps: [
      {
        status: 'investigating',
        after: 0,
        fr: 'L’espace client et l’appli sont lents à s’afficher.',
        en: 'The customer area and the app are slow to load.',
      },
      {
        status: 'resolved',
        after: 1,
        fr: 'Les temps de réponse sont revenus à la normale.',
        en: 'Response times are back to normal.',
      },
    ],
  },
];

/** Loads the demo status page once (when no component exists yet). */
export async function loadDemoStatus(db: Db, actor: Actor, publicUrl: string, now = new Date()) {
  if ((await status.listComponents(db)).length) return;
  const groups = new Map<string, string>();
  for (const [position, g] of GROUPS.entries()) {
    groups.set(g.key, (await status.createGroup(db, actor, { names: { ...g.names }, position })).id);
  }
  const ids = new Map<Key, string>();
  for (const [position, c] of COMPONENTS.entries()) {
    const row = await status.createComponent(db, actor, {
      names: { ...c.names },
      keywords: { fr: [...c.keywords.fr], en: [...c.keywords.en] },
      groupId: groups.get(c.group) ?? null,
      position,
    });
    ids.set(c.key, row.id);
  }
  for (const p of PAST) {
    const start = new Date(now.getTime() - p.daysAgo * DAY);
    const [first, ...rest] = p.steps;
    const incident = await status.createIncident(
      db,
      actor,
      {
        kind: 'incident',
        titles: { ...p.title },
        bodies: { fr: first!.fr, en: first!.en },
        components: p.impacts.map(([key, impact]) => ({ componentId: ids.get(key)!, impact })),
      },
      start,
    );
    for (const step of rest) {
      await status.addUpdate(
        db,
        actor,
        incident.id,
        { status: step.status, bodies: { fr: step.fr, en: step.en } },
        { publicUrl, now: new Date(start.getTime() + step.after * p.hours * HOUR) },
      );
    }
    if (p.postmortem)
      await status.patchIncident(db, actor, incident.id, { postmortems: { ...p.postmortem } });
  }
  const from = new Date(now.getTime() + 5 * DAY);
  from.setUTCHours(2, 0, 0, 0);
  await status.createIncident(
    db,
    actor,
    {
      kind: 'maintenance',
      titles: { fr: 'Maintenance de l’espace client', en: 'Customer area maintenance' },
      bodies: {
        fr: 'L’espace client et l’appli seront indisponibles pendant la mise à jour de nos serveurs.',
        en: 'The customer area and the app will be unavailable while we upgrade our servers.',
      },
      components: [{ componentId: ids.get('account')!, impact: 'under_maintenance' }],
      scheduledFor: from,
      scheduledUntil: new Date(from.getTime() + 2 * HOUR),
    },
    now,
  );
}
