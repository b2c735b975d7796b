import { resolve } from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from './crypto/secret-box.ts';
import { type Allowlist, checkOutboundUrl, parseAllowlist } from './net/outbound.ts';

const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

/** Every environment variable Relais reads, validated once at start-up (docs/configuration.md). */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  RELAIS_DATA_DIR: z.string().min(1).default('./data'),
  RELAIS_SECRET_KEY: z
    .string()
    .refine((v) => parseSecretKey(v) !== undefined, '32 bytes as 64 hex digits or base64')
    .optional(),
  RELAIS_PUBLIC_URL: z.url().optional(),
  RELAIS_ADMIN_EMAIL: z.email().optional(),
  RELAIS_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  RELAIS_DEMO: flag.default(true),
  RELAIS_DEMO_HISTORY: flag.default(true),
  RELAIS_TRUST_PROXY: flag.default(false),
  RELAIS_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  RELAIS_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  RELAIS_EMBEDDINGS: z.enum(['off', 'http', 'local']).default('off'),
  RELAIS_EMBEDDINGS_URL: z.url().optional(),
  RELAIS_EMBEDDINGS_MODEL: z.string().min(1).optional(),
  RELAIS_EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  RELAIS_EMBEDDINGS_DIR: z.string().min(1).default('./models'),
  RELAIS_LLM_URL: z.url().optional(),
  RELAIS_LLM_MODEL: z.string().min(1).max(200).optional(),
  RELAIS_LLM_API_KEY: z.string().min(1).optional(),
  RELAIS_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  RELAIS_MAIL_FROM: z.string().min(3).default('Relais <no-reply@localhost>'),
  RELAIS_OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(2000),
  RELAIS_OUTBOX_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  RELAIS_OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  RELAIS_OUTBOX_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(5000),
  RELAIS_OUTBOUND_ALLOWLIST: z
    .string()
    .superRefine((v, ctx) => {
      try {
        parseAllowlist(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface Config {
  port: number;
  host: string;
  /** Absent → embedded PGlite in `dataDir`. `memory://` keeps PGlite in memory (tests). */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Key of secrets at rest (src/crypto/secret-box.ts); absent → `<dataDir>/secret.key`. */
  secretKey: Buffer | undefined;
  publicUrl: string;
  admin: { email: string; password: string } | undefined;
  demo: boolean;
  /** With the demo: ninety days of generated analytics (removable from the console). */
  demoHistory: boolean;
  trustProxy: boolean;
  sessionTtlMs: number;
  bodyLimit: number;
  /** Optional semantic layer fused with the lexical ranking (off by default). */
  embeddings:
    | { kind: 'off' }
    | { kind: 'http'; url: string; model: string; apiKey: string | undefined }
    | { kind: 'local'; dir: string; model: string };
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** OpenAI-compatible chat completions for generated bot answers; absent → extractive answers only. */
  llm: { url: string; model: string; apiKey: string | undefined } | undefined;
  /** Customer e-mails; unset → e-mails stay in the outbox as `undeliverable`. */
  mail: { smtpUrl: string | undefined; from: string };
  /** Delivery of e-mails and connector pushes (src/modules/outbox). */
  outbox: { pollMs: number; timeoutMs: number; maxAttempts: number; backoffMs: number };
  /** Internal hosts, addresses and CIDRs that outbound calls may reach (src/net/outbound.ts). */
  outboundAllowlist: Allowlist;
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws a ConfigError naming each wrong variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.RELAIS_ADMIN_EMAIL) !== Boolean(e.RELAIS_ADMIN_PASSWORD)) {
    throw new ConfigError(
      'Invalid configuration:\n  RELAIS_ADMIN_PASSWORD: RELAIS_ADMIN_EMAIL and RELAIS_ADMIN_PASSWORD go together',
    );
  }
  if (e.RELAIS_EMBEDDINGS !== 'off' && !e.RELAIS_EMBEDDINGS_MODEL) {
    throw new ConfigError(
      'Invalid configuration:\n  RELAIS_EMBEDDINGS_MODEL: required when RELAIS_EMBEDDINGS is on',
    );
  }
  if (e.RELAIS_EMBEDDINGS === 'http' && !e.RELAIS_EMBEDDINGS_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  RELAIS_EMBEDDINGS_URL: required when RELAIS_EMBEDDINGS=http',
    );
  }
  if (Boolean(e.RELAIS_LLM_URL) !== Boolean(e.RELAIS_LLM_MODEL)) {
    throw new ConfigError(
      'Invalid configuration:\n  RELAIS_LLM_MODEL: RELAIS_LLM_URL and RELAIS_LLM_MODEL go together',
    );
  }
  const outboundAllowlist = parseAllowlist(e.RELAIS_OUTBOUND_ALLOWLIST);
  // The operator's own endpoints go through the same guard: say so now rather than at the first call.
  for (const [name, url] of [
    ['RELAIS_LLM_URL', e.RELAIS_LLM_URL],
    ['RELAIS_EMBEDDINGS_URL', e.RELAIS_EMBEDDINGS === 'http' ? e.RELAIS_EMBEDDINGS_URL : undefined],
  ] as const) {
    const check = url ? checkOutboundUrl(url, outboundAllowlist) : { ok: true as const };
    if (!check.ok) throw new ConfigError(`Invalid configuration:\n  ${name}: ${check.reason}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.RELAIS_DATA_DIR),
    secretKey: e.RELAIS_SECRET_KEY ? parseSecretKey(e.RELAIS_SECRET_KEY) : undefined,
    publicUrl: (e.RELAIS_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    admin:
      e.RELAIS_ADMIN_EMAIL && e.RELAIS_ADMIN_PASSWORD
        ? { email: e.RELAIS_ADMIN_EMAIL.toLowerCase(), password: e.RELAIS_ADMIN_PASSWORD }
        : undefined,
    demo: e.RELAIS_DEMO,
    demoHistory: e.RELAIS_DEMO_HISTORY,
    trustProxy: e.RELAIS_TRUST_PROXY,
    sessionTtlMs: e.RELAIS_SESSION_TTL_HOURS * 3_600_000,
    bodyLimit: e.RELAIS_BODY_LIMIT_BYTES,
    embeddings:
      e.RELAIS_EMBEDDINGS === 'http'
        ? {
            kind: 'http',
            url: e.RELAIS_EMBEDDINGS_URL!,
            model: e.RELAIS_EMBEDDINGS_MODEL!,
            apiKey: e.RELAIS_EMBEDDINGS_API_KEY,
          }
        : e.RELAIS_EMBEDDINGS === 'local'
          ? { kind: 'local', dir: resolve(e.RELAIS_EMBEDDINGS_DIR), model: e.RELAIS_EMBEDDINGS_MODEL! }
          : { kind: 'off' },
    logLevel: e.LOG_LEVEL,
    llm:
      e.RELAIS_LLM_URL && e.RELAIS_LLM_MODEL
        ? {
            url: e.RELAIS_LLM_URL.replace(/\/$/, ''),
            model: e.RELAIS_LLM_MODEL,
            apiKey: e.RELAIS_LLM_API_KEY,
          }
        : undefined,
    mail: { smtpUrl: e.RELAIS_SMTP_URL, from: e.RELAIS_MAIL_FROM },
    outbox: {
      pollMs: e.RELAIS_OUTBOX_POLL_MS,
      timeoutMs: e.RELAIS_OUTBOX_TIMEOUT_MS,
      maxAttempts: e.RELAIS_OUTBOX_MAX_ATTEMPTS,
      backoffMs: e.RELAIS_OUTBOX_BACKOFF_MS,
    },
    outboundAllowlist,
  };
}
