/**
 * Secrets at rest (connector tokens, flow connection headers, widget identity secrets): AES-256-GCM
 * with a key kept outside the database, so a database dump or backup alone reveals none of them.
 * Stored as `enc:v1:` + base64(iv ‖ tag ‖ ciphertext); a value without the prefix (written before
 * encryption existed) is read as it is and sealed on its next write.
 */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'enc:v1:';
const KEY_FILE = 'secret.key';

/** Process-wide: one Relais per process (tests share the in-memory key of `memory://` databases). */
let key: Buffer | undefined;
let memoryKey: Buffer | undefined;

/**
 * The key: `RELAIS_SECRET_KEY` when set (required when several nodes share a PostgreSQL: all need the
 * same); otherwise `<RELAIS_DATA_DIR>/secret.key`, created on first start (mode 0600); for an in-memory
 * database, a random key that lives as long as the process.
 */
export function configureSecretKey(options: {
  key?: Buffer | undefined;
  dataDir: string;
  memory: boolean;
}): void {
  if (options.key) key = options.key;
  else if (options.memory) key = memoryKey ??= randomBytes(32);
  else {
    const file = join(options.dataDir, KEY_FILE);
    if (!existsSync(file)) {
      // Written aside then linked into place: atomic, and several processes starting at once agree.
      mkdirSync(options.dataDir, { recursive: true });
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(tmp, randomBytes(32).toString('base64'), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      try {
        linkSync(tmp, file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      } finally {
        unlinkSync(tmp);
      }
    }
    key = parseSecretKey(readFileSync(file, 'utf8').trim());
    if (!key) throw new Error(`${file}: not a 32-byte key (64 hex digits or base64)`);
  }
}

/** 32 bytes written as 64 hex digits or as base64 / base64url; undefined when it is neither. */
export function parseSecretKey(text: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes : undefined;
}

function currentKey(): Buffer {
  if (!key) throw new Error('secret key not configured (configureSecretKey runs at start-up)');
  return key;
}

export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', currentKey(), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

/** The plaintext; throws if the value was sealed with another key or altered. */
export function openSecret(stored: string): string {
  if (!stored.startsWith(PREFIX)) return stored;
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
  const decipher = createDecipheriv('aes-256-gcm', currentKey(), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export const isSealed = (stored: string): boolean => stored.startsWith(PREFIX);

/** Seals every value of a record (secret headers). */
export const sealValues = (values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, sealSecret(v)]));

export const openValues = (values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, openSecret(v)]));
