/**
 * Customer single sign-on with the company's OpenID Connect provider (`openid-client` v6):
 * authorization code + PKCE (S256), `state` and `nonce`. What the callback must check travels in a
 * short-lived cookie sealed with the secret key (AES-256-GCM, crypto/secret-box.ts): the browser can
 * neither read nor alter it, and nothing is stored server-side. The provider's verified e-mail
 * (`email_verified: true` in the ID token) signs the customer in through the same verified-e-mail
 * rules and the same session as a magic link. Every call to the provider (discovery, token) goes
 * through the outbound guard (`customFetch` → `outboundFetch`).
 */
import * as client from 'openid-client';
import { z } from 'zod';
import { isSealed, openSecret, sealSecret } from '../../crypto/secret-box.ts';
import { safeEqual } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { OutboundRefusedError, outboundFetch, refineOutboundUrl } from '../../net/outbound.ts';
import type { Actor } from '../../server/access.ts';
import { ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { defineSetting, getSetting, putSetting } from '../settings/service.ts';
import { type CustomerSession, openVerifiedSession } from './sign-in.ts';

/** Scopes always asked for: the e-mail is what signs the customer in. */
const REQUIRED_SCOPES = ['openid', 'email'];
export const OIDC_PENDING_TTL_MS = 10 * 60_000;
/** The one redirect URI to register at the provider (locale-free: the locale travels in the cookie). */
export const OIDC_CALLBACK_PATH = '/account/sso/callback';
export const oidcRedirectUri = (publicUrl: string) => `${publicUrl}${OIDC_CALLBACK_PATH}`;

const Label = z.strictObject({
  fr: z.string().trim().min(1).max(60),
  en: z.string().trim().min(1).max(60),
});
const Scope = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,100}$/, 'A scope is one word of printable characters.');

/** As stored: the client secret sealed (`enc:v1:…`), never in clear. */
const Stored = z.object({
  enabled: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  clientSecret: z.string().nullable(),
  label: Label,
  scopes: z.array(z.string()),
});
type Stored = z.infer<typeof Stored>;

const DEFAULT: Stored = {
  enabled: false,
  issuer: '',
  clientId: '',
  clientSecret: null,
  label: { fr: 'mon compte entreprise', en: 'my company account' },
  scopes: ['openid', 'email', 'profile'],
};
const OIDC = defineSetting('customers.oidc', Stored, DEFAULT);

export const OidcSettingsBody = z.strictObject({
  enabled: z.boolean(),
  issuer: z
    .union([z.literal(''), z.url().max(500).superRefine(refineOutboundUrl)])
    .describe(
      'The provider’s issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`).',
    ),
  clientId: z.string().trim().max(200),
  clientSecret: z
    .string()
    .min(1)
    .max(500)
    .nullable()
    .optional()
    .describe('Write-only. Omit to keep the stored secret, `null` to remove it.'),
  label: Label.describe('The button says « Se connecter avec <label> » / “Sign in with <label>”.'),
  scopes: z.array(Scope).max(20).describe('`openid` and `email` are always added.'),
});
export type OidcSettingsBody = z.infer<typeof OidcSettingsBody>;

export const OidcSettingsView = z.object({
  enabled: z.boolean(),
  issuer: z.string(),
  clientId: z.string(),
  hasSecret: z.boolean().describe('A client secret is stored (it is never returned).'),
  label: Label,
  scopes: z.array(z.string()),
  redirectUri: z.string().describe('The redirect URI to register at the provider.'),
});

export const readOidcSettings = (db: DbOrTx) => getSetting(db, OIDC);

export function presentOidcSettings(s: Stored, publicUrl: string): z.infer<typeof OidcSettingsView> {
  return {
    enabled: s.enabled,
    issuer: s.issuer,
    clientId: s.clientId,
    hasSecret: s.clientSecret !== null,
    label: s.label,
    scopes: s.scopes,
    redirectUri: oidcRedirectUri(publicUrl),
  };
}

/** Admins configure SSO (audited, without the secret); enabling needs an issuer, a client id and a secret. */
export async function writeOidcSettings(db: Db, actor: Actor, body: OidcSettingsBody): Promise<Stored> {
  const current = await readOidcSettings(db);
  const clientSecret =
    body.clientSecret === undefined
      ? current.clientSecret
      : body.clientSecret === null
        ? null
        : sealSecret(body.clientSecret);
  if (body.enabled) {
    if (!body.issuer) throw new ValidationError('Single sign-on needs the issuer URL.', 'issuer');
    if (!body.clientId) throw new ValidationError('Single sign-on needs the client id.', 'clientId');
    if (!clientSecret) throw new ValidationError('Single sign-on needs the client secret.', 'clientSecret');
  }
  const value: Stored = {
    enabled: body.enabled,
    issuer: body.issuer,
    clientId: body.clientId,
    clientSecret,
    label: body.label,
    scopes: [...new Set([...REQUIRED_SCOPES, ...body.scopes])],
  };
  await db.transaction(async (tx) => {
    await putSetting(tx, OIDC, value);
    await recordAudit(tx, actor, {
      action: 'customers.oidc_updated',
      subjectType: 'settings',
      subjectId: 'customers.oidc',
      details: {
        enabled: value.enabled,
        issuer: value.issuer,
        clientId: value.clientId,
        secretChanged: body.clientSecret !== undefined,
      },
    });
  });
  return value;
}

/** Why a sign-in with the provider did not end in a session; each has its page. */
export type OidcFailure =
  | 'disabled'
  | 'unavailable'
  | 'denied'
  | 'expired'
  | 'state'
  | 'unverified'
  | 'failed';

export class OidcSignInError extends Error {
  constructor(readonly reason: OidcFailure) {
    super(`OIDC sign-in failed: ${reason}`);
  }
}

/** openid-client's requests, through the outbound guard (checked addresses, no redirect followed). */
const guardedFetch: client.CustomFetch = (url, options) =>
  outboundFetch(url, {
    method: options.method,
    headers: options.headers,
    ...(options.body === undefined || options.body === null
      ? {}
      : {
          body: options.body instanceof URLSearchParams ? options.body.toString() : (options.body as string),
        }),
    ...(options.signal ? { signal: options.signal } : {}),
  });

async function discover(s: Stored): Promise<client.Configuration> {
  if (!s.enabled || !s.issuer || !s.clientId || !s.clientSecret) throw new OidcSignInError('disabled');
  const issuer = new URL(s.issuer);
  try {
    return await client.discovery(issuer, s.clientId, openSecret(s.clientSecret), undefined, {
      [client.customFetch]: guardedFetch,
      // A provider on the company's own network over plain http is the admin's choice (the outbound
      // allowlist must let it through); anything public is expected over https.
      ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
    });
  } catch {
    throw new OidcSignInError('unavailable');
  }
}

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  locale: string;
  exp: number;
}

/** Starts a sign-in: where to send the browser, and the sealed cookie value the callback needs. */
export async function startOidcSignIn(
  db: DbOrTx,
  publicUrl: string,
  locale: string,
  now = new Date(),
): Promise<{ url: string; pending: string }> {
  const settings = await readOidcSettings(db);
  const config = await discover(settings);
  const verifier = client.randomPKCECodeVerifier();
  const pending: Pending = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier,
    locale,
    exp: now.getTime() + OIDC_PENDING_TTL_MS,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: oidcRedirectUri(publicUrl),
    scope: settings.scopes.join(' '),
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  return { url: url.href, pending: sealSecret(JSON.stringify(pending)) };
}

/** The locale the sign-in started in, when the cookie is still readable (for the error page). */
export function pendingLocale(sealed: string | undefined): string | undefined {
  return readPending(sealed)?.locale;
}

function readPending(sealed: string | undefined): Pending | undefined {
  // Only a value Relais sealed: openSecret would read an unsealed value as it is.
  if (!sealed || !isSealed(sealed)) return undefined;
  try {
    const p = JSON.parse(openSecret(sealed)) as Pending;
    return typeof p.state === 'string' && typeof p.nonce === 'string' && typeof p.verifier === 'string'
      ? p
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The provider's answer on the redirect URI: state, then the code exchanged with the PKCE verifier
 * (the ID token's nonce, issuer, audience and expiry checked by openid-client), then the verified
 * e-mail opens a customer session.
 */
export async function finishOidcSignIn(
  db: Db,
  publicUrl: string,
  query: Record<string, string | undefined>,
  sealed: string | undefined,
  now = new Date(),
): Promise<CustomerSession> {
  const pending = readPending(sealed);
  if (!pending || pending.exp < now.getTime()) throw new OidcSignInError('expired');
  if (typeof query.state !== 'string' || !safeEqual(query.state, pending.state))
    throw new OidcSignInError('state');
  if (query.error) throw new OidcSignInError('denied');
  const settings = await readOidcSettings(db);
  const config = await discover(settings);
  const current = new URL(oidcRedirectUri(publicUrl));
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') current.searchParams.set(k, v);
  let claims: client.IDToken | undefined;
  try {
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (err) {
    throw new OidcSignInError(isNetworkError(err) ? 'unavailable' : 'failed');
  }
  const email = typeof claims?.email === 'string' ? claims.email : undefined;
  if (!email || claims?.email_verified !== true || !z.email().safeParse(email).success)
    throw new OidcSignInError('unverified');
  const name = typeof claims?.name === 'string' ? claims.name.slice(0, 200) : undefined;
  return db.transaction((tx) =>
    openVerifiedSession(tx, email, { name, locale: pending.locale.startsWith('fr') ? 'fr' : 'en' }, now),
  );
}

const isNetworkError = (err: unknown) =>
  err instanceof OutboundRefusedError ||
  (err instanceof Error &&
    /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|abort|timeout/i.test(
      `${err.name} ${err.message} ${String(err.cause)}`,
    ));
