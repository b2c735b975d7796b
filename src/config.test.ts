import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('has defaults that run Relais on an embedded database', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      demo: true,
      demoHistory: true,
      logLevel: 'info',
      admin: undefined,
    });
    expect(c.dataDir).toMatch(/data$/);
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'postgres://u:p@db:5432/relais',
      RELAIS_DATA_DIR: '/var/lib/relais',
      RELAIS_SECRET_KEY: 'ab'.repeat(32),
      RELAIS_ADMIN_EMAIL: 'Boss@Example.com',
      RELAIS_ADMIN_PASSWORD: 'a long password',
      RELAIS_DEMO: 'off',
      RELAIS_DEMO_HISTORY: 'off',
      LOG_LEVEL: 'warn',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      databaseUrl: 'postgres://u:p@db:5432/relais',
      dataDir: '/var/lib/relais',
      secretKey: Buffer.alloc(32, 0xab),
      admin: { email: 'boss@example.com', password: 'a long password' },
      demo: false,
      demoHistory: false,
      logLevel: 'warn',
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ RELAIS_DEMO: 'maybe' }, 'RELAIS_DEMO'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RELAIS_ADMIN_EMAIL: 'not-an-email', RELAIS_ADMIN_PASSWORD: 'a long password' }, 'RELAIS_ADMIN_EMAIL'],
    [{ RELAIS_ADMIN_EMAIL: 'a@b.fr', RELAIS_ADMIN_PASSWORD: 'short' }, 'RELAIS_ADMIN_PASSWORD'],
    [{ RELAIS_ADMIN_EMAIL: 'a@b.fr' }, 'RELAIS_ADMIN_PASSWORD'],
    [{ RELAIS_EMBEDDINGS: 'gpu' }, 'RELAIS_EMBEDDINGS'],
    [{ RELAIS_SECRET_KEY: 'not 32 bytes' }, 'RELAIS_SECRET_KEY'],
    [{ RELAIS_EMBEDDINGS: 'http', RELAIS_EMBEDDINGS_MODEL: 'mistral-embed' }, 'RELAIS_EMBEDDINGS_URL'],
    [{ RELAIS_EMBEDDINGS: 'local' }, 'RELAIS_EMBEDDINGS_MODEL'],
    [{ RELAIS_OUTBOUND_ALLOWLIST: '10.0.0.0/33' }, 'RELAIS_OUTBOUND_ALLOWLIST'],
    [{ RELAIS_OUTBOUND_ALLOWLIST: 'crm.internal, not a host' }, 'RELAIS_OUTBOUND_ALLOWLIST'],
    [{ RELAIS_LLM_URL: 'http://localhost:11434', RELAIS_LLM_MODEL: 'm' }, 'RELAIS_LLM_URL'],
  ])('rejects %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}:`));
  });

  it('lets the operator allow a local model server', () => {
    const config = loadConfig({
      RELAIS_LLM_URL: 'http://localhost:11434',
      RELAIS_LLM_MODEL: 'm',
      RELAIS_OUTBOUND_ALLOWLIST: 'localhost, 10.0.0.0/8',
    });
    expect(config.outboundAllowlist.entries).toEqual(['localhost', '10.0.0.0/8']);
  });
});
