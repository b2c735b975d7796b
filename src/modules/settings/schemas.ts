import { z } from 'zod';

/** The one locale code every surface accepts: a language, optionally a region (`fr`, `en`, `en-GB`). */
export const Locale = z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a language code such as fr or en');

const Hex = z
  .string()
  .trim()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'Expected a hex colour such as #1d4ed8.');

/** An https URL, a path on this server, or a small raster image inline (data: URL, ≤ 64 KB). */
export const AssistantAvatar = z
  .string()
  .trim()
  .max(90_000)
  .regex(
    /^(https:\/\/[^\s"'()<>]+|\/[^\s"'()<>]*|data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*)$/,
    'Expected an https:// URL, a path starting with /, or a PNG, JPEG, GIF or WebP data: URL.',
  );

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
  // the company's assistant (name per locale, avatar)
  assistantNames: z
    .record(Locale, z.string().trim().min(1, 'Give the assistant a name.').max(40))
    .refine((r) => Object.keys(r).length <= 30, 'At most 30 locales.')
    .default({})
    .describe("The assistant's name per locale (`{fr: 'Léa', en: 'Lea'}`); a missing locale uses `name`."),
  assistantAvatar: AssistantAvatar.nullable()
    .default(null)
    .describe('Avatar shown in the widget header and next to bot messages, or null.'),
});
export type BrandingBody = z.infer<typeof BrandingBody>;

export const BrandingView = z.object({
  name: z.string(),
  primaryColor: z.string(),
  accentColor: z.string(),
  logoUrl: z.string().nullable(),
  assistantNames: z.record(z.string(), z.string()),
  assistantAvatar: z.string().nullable(),
});
export type Branding = z.infer<typeof BrandingView>;

export const LocalesBody = z.strictObject({
  locales: z
    .array(Locale)
    .min(1, 'At least one locale is required.')
    .max(30)
    .refine((l) => new Set(l).size === l.length, 'Locales must not repeat.')
    .describe('Help-centre locales; the first is the default.'),
});
export const LocalesView = z.object({ locales: z.array(z.string()) });
