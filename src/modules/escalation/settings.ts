import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import type { TICKET_LEVELS } from '../../db/schema.ts';
import { defineSetting, getSetting, putSetting } from '../settings/service.ts';
import type { EscalationSettingsSchema } from './schemas.ts';

export type Level = (typeof TICKET_LEVELS)[number];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** What an admin configures about reaching a human (key `escalation` in `settings`). */
export type EscalationSettings = z.infer<typeof EscalationSettingsSchema>;

const weekdays: Array<[string, string]> = [['09:00', '18:00']];

export const DEFAULT_ESCALATION_SETTINGS: EscalationSettings = {
  channels: { form: true, callback: true, live: true },
  businessHours: {
    timezone: 'Europe/Paris',
    week: {
      mon: weekdays,
      tue: weekdays,
      wed: weekdays,
      thu: weekdays,
      fri: weekdays,
      sat: [['09:00', '12:00']],
    },
  },
  responseMinutes: { form: 24 * 60, callback: 4 * 60, live: 5 },
  reasons: [
    { id: 'billing', level: 'simple', label: { fr: 'Facturation', en: 'Billing' } },
    { id: 'account', level: 'simple', label: { fr: 'Mon compte', en: 'My account' } },
    { id: 'order', level: 'intermediate', label: { fr: 'Commande et livraison', en: 'Order and delivery' } },
    { id: 'technical', level: 'expert', label: { fr: 'Problème technique', en: 'Technical issue' } },
    { id: 'other', level: 'intermediate', label: { fr: 'Autre', en: 'Other' } },
  ],
  liveChat: { acceptTimeoutSeconds: 120 },
};

// Stored values were validated by the PUT body; a missing top-level field takes its default.
const ESCALATION = defineSetting(
  'escalation',
  z
    .custom<Partial<EscalationSettings>>((v) => typeof v === 'object' && v !== null)
    .transform((s): EscalationSettings => ({ ...DEFAULT_ESCALATION_SETTINGS, ...s })),
  DEFAULT_ESCALATION_SETTINGS,
);

export const readEscalationSettings = (db: DbOrTx): Promise<EscalationSettings> => getSetting(db, ESCALATION);

export async function writeEscalationSettings(db: DbOrTx, value: EscalationSettings) {
  await putSetting(db, ESCALATION, value);
}

/** The expertise a contact reason needs; unknown or absent reasons are `intermediate`. */
export function levelOf(settings: EscalationSettings, reason: string | undefined): Level {
  return settings.reasons.find((r) => r.id === reason)?.level ?? 'intermediate';
}

/** True when `now` falls inside the business hours, in the configured time zone. */
export function isOpen(hours: EscalationSettings['businessHours'], now: Date): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: hours.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  const time = `${get('hour')}:${get('minute')}`;
  return (hours.week[day] ?? []).some(([from, to]) => time >= from && time < to);
}
