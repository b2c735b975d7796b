/** The part of `oidc-provider` (v9, no bundled types) the SSO tests use: a local provider on loopback. */
declare module 'oidc-provider' {
  import type { Server } from 'node:http';

  export interface Account {
    accountId: string;
    claims(): Record<string, unknown>;
  }
  export default class Provider {
    constructor(
      issuer: string,
      configuration: Record<string, unknown> & {
        findAccount?: (ctx: unknown, id: string) => Promise<Account | undefined> | Account | undefined;
      },
    );
    listen(port: number, host?: string): Server;
  }
}
