/**
 * A real OpenID Connect provider (`oidc-provider`) on loopback for the customer SSO tests: one
 * confidential client `relais`, PKCE required, dev interactions (a login form taking any password,
 * then a consent form), and two accounts — one whose e-mail the provider has verified, one not.
 */
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './helpers.ts';

export const OIDC_CLIENT_SECRET = 'a-client-secret-only-the-provider-knows-4b1f';
export const OIDC_ACCOUNTS: Record<string, { email: string; email_verified: boolean; name: string }> = {
  'sso-user': { email: 'Lea.Sso@Example.com', email_verified: true, name: 'Léa Sso' },
  'unverified-user': { email: 'not.verified@example.com', email_verified: false, name: 'Not Verified' },
};

export async function startOidcProvider(
  redirectUri: string,
): Promise<{ issuer: string; close(): Promise<void> }> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: 'relais',
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    async findAccount(_ctx, id) {
      const account = OIDC_ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The e-mail in the ID token itself, as most company providers send it.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    cookies: { keys: ['oidc-test-cookie-key'] },
  });
  const server: Server = oidc.listen(port, '127.0.0.1');
  return { issuer, close: () => new Promise((r) => server.close(() => r())) };
}

/** The admin's settings for that provider (PUT /api/v1/customer-auth/oidc). */
export const oidcSettings = (issuer: string, over: Record<string, unknown> = {}) => ({
  enabled: true,
  issuer,
  clientId: 'relais',
  clientSecret: OIDC_CLIENT_SECRET,
  label: { fr: 'Mon compte Acme', en: 'my Acme account' },
  scopes: ['profile'],
  ...over,
});
