import { z } from 'zod';
import type { DbOrTx } from '../../db/client.ts';
import { defineSetting, getSetting, putSetting } from '../settings/service.ts';

/** Instance-wide analytics settings (PUT /api/v1/analytics/settings, `settings:manage`). */
export const AnalyticsSettings = z.strictObject({
  consentMode: z
    .enum(['off', 'required'])
    .default('off')
    .describe(
      "`required`: without the visitor's consent no persistent id is kept (per-page random id only).",
    ),
  retentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .default(395)
    .describe('Raw events older than this are purged.'),
  deflectionWindowHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24)
    .describe('A self-service session is deflected when no escalation follows within this many hours.'),
  costPerContact: z.number().min(0).max(100_000).default(6).describe('Average cost of one handled contact.'),
  monthlyCost: z.number().min(0).max(10_000_000).default(0).describe('Monthly cost of running Relais.'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('EUR'),
  surveys: z
    .strictObject({
      csat: z.boolean().default(true).describe('Ask "How satisfied…" (1–5) after self-service.'),
      ces: z.boolean().default(true).describe('Ask "How easy…" (1–7) after self-service.'),
      sampleRate: z.number().min(0).max(1).default(0.2).describe('Share of self-service sessions asked.'),
    })
    .default({ csat: true, ces: true, sampleRate: 0.2 }),
  digestEnabled: z
    .boolean()
    .default(false)
    .describe('Weekly content digest to article owners (see docs/metrics.md).'),
});
export type AnalyticsSettings = z.infer<typeof AnalyticsSettings>;

// A stored value from an older build may miss newer fields: defaults fill them.
const ANALYTICS = defineSetting('analytics', AnalyticsSettings, AnalyticsSettings.parse({}));

export const readAnalyticsSettings = (db: DbOrTx): Promise<AnalyticsSettings> => getSetting(db, ANALYTICS);

export async function writeAnalyticsSettings(
  db: DbOrTx,
  patch: Partial<AnalyticsSettings>,
): Promise<AnalyticsSettings> {
  const next = AnalyticsSettings.parse({ ...(await readAnalyticsSettings(db)), ...patch });
  await putSetting(db, ANALYTICS, next);
  return next;
}
