import { createHmac } from 'node:crypto';
import { safeEqual } from '../../crypto/secrets.ts';

/** How long a host's signature stays acceptable, and how long the widget token it buys lives. */
export const SIGNATURE_MAX_AGE_S = 24 * 3600;
export const TOKEN_TTL_S = 3600;

export interface IdentityClaims {
  id: string;
  email?: string | undefined;
  segments: string[];
  issuedAt: number;
}

/**
 * The exact bytes the host's server signs: lines joined by `\n` (no field may contain one).
 * `v1\n<id>\n<email or empty>\n<segments joined by ,>\n<issuedAt>`
 */
export function identityPayload(c: IdentityClaims): string {
  return ['v1', c.id, c.email ?? '', c.segments.join(','), String(c.issuedAt)].join('\n');
}

export function signIdentity(secret: string, c: IdentityClaims): string {
  return createHmac('sha256', secret).update(identityPayload(c)).digest('hex');
}

/** True only for a fresh signature made with this secret over exactly these claims. */
export function verifyIdentity(secret: string, c: IdentityClaims, signature: string, nowS: number): boolean {
  if (c.issuedAt > nowS + 300 || nowS - c.issuedAt > SIGNATURE_MAX_AGE_S) return false;
  return safeEqual(signIdentity(secret, c), signature);
}

/** What a widget session token vouches for: the verified identity, for one site, until `exp`. */
export interface WidgetSession {
  site: string;
  sub: string;
  email?: string | undefined;
  segments: string[];
  exp: number;
}

// Tokens are keyed by the site's secret: rotating it revokes every outstanding token of that site.
const tokenKey = (secret: string) => createHmac('sha256', secret).update('relais-widget-token').digest();

export function issueToken(secret: string, s: WidgetSession): string {
  const body = Buffer.from(JSON.stringify(s)).toString('base64url');
  const mac = createHmac('sha256', tokenKey(secret)).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** The session inside a token, or undefined when forged, tampered with, expired or for another site. */
export function readToken(
  secret: string,
  site: string,
  token: string,
  nowS: number,
): WidgetSession | undefined {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined) return undefined;
  const expected = createHmac('sha256', tokenKey(secret)).update(body).digest('base64url');
  if (!safeEqual(expected, mac)) return undefined;
  try {
    const s = JSON.parse(Buffer.from(body, 'base64url').toString()) as WidgetSession;
    if (s.site !== site || typeof s.exp !== 'number' || s.exp < nowS) return undefined;
    return Array.isArray(s.segments) ? s : undefined;
  } catch {
    return undefined;
  }
}
