import { z } from 'zod';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { recordAudit } from '../audit/service.ts';
import { type Branding, listLocales, readBranding } from '../kb/service.ts';
import { announceSettingsChange } from './changes.ts';
import { writeSetting } from './repository.ts';

const Hex = z
  .string()
  .trim()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'Expected a hex colour such as #1d4ed8.');

export const BrandingBody = z.strictObject({
  name: z.string().trim().min(1).max(80).describe('Name shown in the help centre header.'),
  primaryColor: Hex.describe('Main colour (`--brand`), hex.'),
  accentColor: Hex.describe('Accent colour (`--accent`), hex.'),
  logoUrl: z
    .string()
    .trim()
    .max(500)
    .regex(/^(https:\/\/[^\s"'()<>]+|\/[^\s"'()<>]*)$/, 'Expected an https:// URL or a path starting with /.')
    .nullable()
    .describe('Logo (https URL or a path on this server), or null.'),
});
export type BrandingBody = z.infer<typeof BrandingBody>;

export const BrandingView = z.object({
  name: z.string(),
  primaryColor: z.string(),
  accentColor: z.string(),
  logoUrl: z.string().nullable(),
});

const LocaleCode = z
  .string()
  .regex(/^[a-z]{2,3}(?:-[A-Z]{2})?$/, 'Expected a locale code such as fr or en-GB.');
export const LocalesBody = z.strictObject({
  locales: z
    .array(LocaleCode)
    .min(1, 'At least one locale is required.')
    .max(30)
    .refine((l) => new Set(l).size === l.length, 'Locales must not repeat.')
    .describe('Help-centre locales; the first is the default.'),
});
export const LocalesView = z.object({ locales: z.array(z.string()) });

export const getBranding = (db: Db): Promise<Branding> => readBranding(db);
export const getLocales = (db: Db): Promise<string[]> => listLocales(db);

/** Replaces the branding; audited in the same transaction. */
export async function saveBranding(db: Db, actor: Actor, input: BrandingBody): Promise<Branding> {
  await db.transaction(async (tx) => {
    await writeSetting(tx, 'branding', input);
    await recordAudit(tx, actor, {
      action: 'settings.branding_updated',
      subjectType: 'settings',
      subjectId: 'branding',
      details: { fields: Object.keys(input) },
    });
  });
  announceSettingsChange();
  return readBranding(db);
}

/** Replaces the list of help-centre locales (first = default); audited in the same transaction. */
export async function saveLocales(db: Db, actor: Actor, locales: string[]): Promise<string[]> {
  await db.transaction(async (tx) => {
    await writeSetting(tx, 'locales', locales);
    await recordAudit(tx, actor, {
      action: 'settings.locales_updated',
      subjectType: 'settings',
      subjectId: 'locales',
      details: { locales },
    });
  });
  announceSettingsChange();
  return listLocales(db);
}
