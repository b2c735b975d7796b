import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.ts';
import type { Actor } from '../../server/access.ts';
import { ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { announceSettingsChange } from './changes.ts';
import * as repo from './repository.ts';
import { AssistantAvatar, type Branding, type BrandingBody } from './schemas.ts';

export { type Branding, BrandingBody, BrandingView, Locale, LocalesBody, LocalesView } from './schemas.ts';

// ── typed access to the `settings` table, for every module ──

/** One key of the `settings` table: the schema its stored value is read through, and its default. */
export interface Setting<T> {
  key: string;
  schema: z.ZodType<T>;
  fallback: T;
}

/** Declares a setting; the module that uses it owns its schema and default. */
export const defineSetting = <T>(key: string, schema: z.ZodType<T>, fallback: T): Setting<T> => ({
  key,
  schema,
  fallback,
});

/** The stored value read through the setting's schema; absent or no longer valid → its default. */
export async function getSetting<T>(db: DbOrTx, setting: Setting<T>): Promise<T> {
  const stored = await repo.readSetting<unknown>(db, setting.key);
  if (stored === undefined) return setting.fallback;
  const parsed = setting.schema.safeParse(stored);
  return parsed.success ? parsed.data : setting.fallback;
}

/** Stores a value (validated at the edge by the caller's body schema). */
export async function putSetting<T>(db: DbOrTx, setting: Setting<T>, value: T): Promise<void> {
  await repo.writeSetting(db, setting.key, value);
}

export async function deleteSetting(db: DbOrTx, setting: Setting<unknown>): Promise<void> {
  await repo.deleteSetting(db, setting.key);
}

// ── help-centre locales and branding ──

export const DEFAULT_LOCALES = ['fr', 'en'];
const LOCALES = defineSetting('locales', z.array(z.string()).min(1), DEFAULT_LOCALES);

export const DEFAULT_BRANDING: Branding = {
  name: 'Relais',
  primaryColor: '#1d4ed8',
  accentColor: '#0f766e',
  logoUrl: null,
  assistantNames: {},
  assistantAvatar: null,
};
// Each field falls back on its own, and colours are checked so they can go in CSS.
const colour = (fallback: string) =>
  z
    .string()
    .regex(/^#[0-9a-f]{3,8}$/i)
    .catch(fallback);
const BRANDING = defineSetting(
  'branding',
  z.object({
    name: z.string().min(1).catch(DEFAULT_BRANDING.name),
    primaryColor: colour(DEFAULT_BRANDING.primaryColor),
    accentColor: colour(DEFAULT_BRANDING.accentColor),
    logoUrl: z
      .string()
      .regex(/^(https:\/\/|\/)/)
      .nullable()
      .catch(null),
    assistantNames: z.record(z.string(), z.string()).catch({}),
    assistantAvatar: AssistantAvatar.nullable().catch(null),
  }),
  DEFAULT_BRANDING,
);

/** Locales of the help centre, first is the default (`locales` setting). */
export const listLocales = (db: DbOrTx): Promise<string[]> => getSetting(db, LOCALES);

/** Throws a ValidationError naming `field` unless `locale` is one of the configured locales. */
export async function assertLocale(db: DbOrTx, locale: string, field = 'locale'): Promise<void> {
  const locales = await listLocales(db);
  if (!locales.includes(locale)) {
    throw new ValidationError(
      `Unknown locale '${locale}': configured locales are ${locales.join(', ')}.`,
      field,
    );
  }
}

/** Help-centre branding (`branding` setting), colours validated so they can go in CSS. */
export const getBranding = (db: DbOrTx): Promise<Branding> => getSetting(db, BRANDING);

/** Writes the branding outside any audit: the demo loader's starting look. */
export const putBranding = (db: DbOrTx, value: Branding) => putSetting(db, BRANDING, value);

/** Replaces the branding; audited in the same transaction. */
export async function saveBranding(db: Db, actor: Actor, input: BrandingBody): Promise<Branding> {
  await db.transaction(async (tx) => {
    await putSetting(tx, BRANDING, input);
    await recordAudit(tx, actor, {
      action: 'settings.branding_updated',
      subjectType: 'settings',
      subjectId: 'branding',
      details: { fields: Object.keys(input) },
    });
  });
  announceSettingsChange();
  return getBranding(db);
}

/** Replaces the list of help-centre locales (first = default); audited in the same transaction. */
export async function saveLocales(db: Db, actor: Actor, locales: string[]): Promise<string[]> {
  await db.transaction(async (tx) => {
    await putSetting(tx, LOCALES, locales);
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

/** The company's assistant in a locale: its name there (else the help centre's) and its avatar. */
export async function assistantOf(db: DbOrTx, locale: string) {
  const b = await getBranding(db);
  const name = b.assistantNames[locale] ?? b.assistantNames[locale.slice(0, 2)];
  return { name: name ?? null, brandName: b.name, avatarUrl: b.assistantAvatar };
}
