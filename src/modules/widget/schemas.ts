import { z } from 'zod';
import { Locale } from '../settings/schemas.ts';
import { STRING_KEYS } from './strings.ts';

export const SiteKey = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{1,39}$/)
  .describe('Public site key, as in `data-relais-site`.');
/** Page tags, segments and event names: short, no separators the HMAC payload relies on. */
const Token = z.string().regex(/^[\w.:=/-]{1,80}$/);
const Origin = z
  .string()
  .regex(/^https?:\/\/[^/\s]+$/)
  .describe('Scheme, host and port, no path: `https://shop.example`.');

export const RuleConditions = z.strictObject({
  /** Glob on the page path (`/checkout*`); `*` matches anything. */
  urlPattern: z.string().min(1).max(300).optional(),
  /** Any of these tags set by `Relais.setPageTags`. */
  pageTags: z.array(Token).max(20).optional(),
  /** Any of these segments of a *verified* identity. */
  segments: z.array(Token).max(20).optional(),
  /** A custom event sent by `Relais.track(name)` on this page view, e.g. `checkout_error`. */
  event: Token.optional(),
  minSecondsOnPage: z.number().int().min(0).max(3600).optional(),
  /** Visits (browser sessions) of this visitor, including the current one. */
  minVisits: z.number().int().min(1).max(1000).optional(),
});

export const Rule = z.strictObject({
  id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().default(true),
  when: RuleConditions,
  /** `suggest`: articles shown when the widget opens; `nudge`: a discreet proactive bubble as well. */
  show: z.enum(['suggest', 'nudge']),
  /** Articles in any locale: the visitor sees their translation in the page's language. */
  articleIds: z.array(z.uuid()).max(5).default([]),
  /** Nudge text per locale; defaults to the first article's title. */
  message: z.record(Locale, z.string().trim().min(1).max(200)).optional(),
  /** A nudge of this rule is not shown again to the same visitor for this long. */
  cooldownHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 90)
    .default(24),
  /** Higher first when several rules match. */
  priority: z.number().int().min(0).max(100).default(0),
});
export type Rule = z.infer<typeof Rule>;

export const Strings = z.record(Locale, z.partialRecord(z.enum(STRING_KEYS), z.string().max(300)));

export const SiteInput = z.strictObject({
  key: SiteKey,
  name: z.string().trim().min(1).max(100),
  allowedOrigins: z.array(Origin).max(20),
  contactUrl: z.url().optional(),
});

export const SitePatch = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  allowedOrigins: z.array(Origin).max(20).optional(),
  contactUrl: z.url().nullable().optional(),
  strings: Strings.optional(),
  statusBanner: z.record(Locale, z.string().trim().min(1).max(300)).nullable().optional(),
});

export const StaffSite = z.object({
  key: z.string(),
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  contactUrl: z.string().nullable(),
  strings: z.record(z.string(), z.record(z.string(), z.string())),
  statusBanner: z.record(z.string(), z.string()).nullable(),
  rules: z.array(Rule),
  updatedAt: z.date(),
});

export const Card = z.object({
  id: z.string(),
  locale: z.string(),
  title: z.string(),
  shortAnswer: z.string(),
  url: z.string().describe('Absolute help-centre URL.'),
});

export const WidgetConfig = z.object({
  site: z.string(),
  locale: z.string(),
  strings: z.record(z.string(), z.string()),
  statusBanner: z.string().nullable(),
  incident: z
    .object({
      kind: z.enum(['incident', 'maintenance']),
      title: z.string(),
      status: z.string(),
      impact: z.string(),
      url: z.string(),
    })
    .nullable()
    .describe('Status page: the open incident or maintenance written in this locale, if any.'),
  helpCentreUrl: z.string(),
  contactUrl: z.string(),
  brand: z
    .object({
      name: z.string(),
      color: z.string(),
      logoUrl: z.string().nullable(),
      assistantName: z.string().describe("The assistant's name in this locale (branding)."),
      avatarUrl: z.string().nullable().describe("The assistant's avatar (absolute URL or data: URL)."),
    })
    .describe(
      "The company's assistant: the help centre's name, main colour, logo, assistant name and avatar (branding).",
    ),
  surveys: z
    .object({ csat: z.boolean(), ces: z.boolean(), sampleRate: z.number() })
    .describe('Micro-surveys the panel may ask after self-service, and the share of visitors asked.'),
  rules: z.array(
    z.object({
      id: z.string(),
      when: RuleConditions,
      show: z.enum(['suggest', 'nudge']),
      message: z.string().nullable(),
      cooldownHours: z.number(),
      articles: z.array(Card),
    }),
  ),
});

/** What the host's server signs; see README "Identify customers". */
export const IdentifyBody = z.strictObject({
  id: z.string().regex(/^[^\n]{1,200}$/),
  email: z.email().optional(),
  segments: z.array(Token).max(20).default([]),
  /** Unix seconds when the host signed; signatures older than 24 hours are refused. */
  issuedAt: z.number().int().positive(),
  /** Hex HMAC-SHA256 of the canonical payload with the site's identity secret. */
  signature: z.string().regex(/^[0-9a-f]{64}$/),
});

export const WIDGET_EVENTS = [
  'widget.opened',
  'widget.closed',
  'widget.nudge_shown',
  'widget.nudge_clicked',
  'widget.nudge_dismissed',
  'widget.suggestion_clicked',
  'widget.contact_clicked',
] as const;

export const EventBody = z.strictObject({
  type: z.enum(WIDGET_EVENTS),
  visitorId: z.string().regex(/^[\w-]{8,64}$/),
  locale: Locale.optional(),
  ruleId: z.string().max(40).optional(),
  articleId: z.uuid().optional(),
});
