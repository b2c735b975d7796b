import { randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { z } from 'zod';
import { openSecret, sealSecret } from '../../crypto/secret-box.ts';
import { sha256 } from '../../crypto/secrets.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { ROLES } from '../../db/schema.ts';
import type { Actor } from '../../server/access.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../server/errors.ts';
import { recordAudit } from '../audit/service.ts';
import { defineSetting, getSetting, putSetting } from '../settings/service.ts';
import { verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';

/** Which roles must use two-factor authentication (all four = everyone). */
export const TWO_FACTOR_POLICY = defineSetting(
  'staff_two_factor_policy',
  z.object({ requiredRoles: z.array(z.enum(ROLES)) }),
  { requiredRoles: [] },
);
export type TwoFactorPolicy = z.infer<typeof TWO_FACTOR_POLICY.schema>;

const RECOVERY_CODES = 10;
// Crockford-like alphabet without look-alikes (0/O, 1/I/L): codes are typed from paper.
const RECOVERY_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function totpFor(secretBase32: string, label: string) {
  return new OTPAuth.TOTP({
    issuer: 'Relais',
    label,
    secret: OTPAuth.Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

/** The time step a 6-digit code belongs to (±1 step of clock drift), or undefined when wrong. */
export function totpStep(secretBase32: string, code: string, now: Date): number | undefined {
  const totp = totpFor(secretBase32, 'check');
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? undefined : totp.counter({ timestamp: now.getTime() }) + delta;
}

/** The code an authenticator shows at `now` (tests and the demo use it). */
export const totpCode = (secretBase32: string, now = new Date()) =>
  totpFor(secretBase32, 'code').generate({ timestamp: now.getTime() });

function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** Case, spaces and dashes do not matter when a recovery code is typed. */
export const hashRecoveryCode = (code: string) => sha256(code.toUpperCase().replace(/[^A-Z0-9]/g, ''));

/** A code is accepted once: the step must be later than the last one used. */
export async function acceptTotp(db: DbOrTx, user: repo.UserRow, code: string, now: Date) {
  if (!user.totpSecret) return false;
  const step = totpStep(openSecret(user.totpSecret), code, now);
  return step !== undefined && (await repo.advanceTotpStep(db, user.id, step));
}

export async function isTwoFactorRequired(db: DbOrTx, role: repo.UserRow['role']) {
  return (await getSetting(db, TWO_FACTOR_POLICY)).requiredRoles.includes(role);
}

function accountOf(actor: Actor) {
  if (actor.kind !== 'user') throw new ForbiddenError('This is for signed-in staff members.');
  return actor;
}

async function userOf(db: DbOrTx, actor: Actor) {
  const user = await repo.findUserById(db, accountOf(actor).id);
  if (!user) throw new NotFoundError('User');
  return user;
}

export async function twoFactorStatus(db: DbOrTx, actor: Actor) {
  const user = await userOf(db, actor);
  return {
    enabled: Boolean(user.totpSecret),
    enabledAt: user.totpEnabledAt,
    recoveryCodesLeft: user.totpSecret ? await repo.countUnusedRecoveryCodes(db, user.id) : 0,
    required: await isTwoFactorRequired(db, user.role),
  };
}

/** Offers a new secret (sealed at rest) as a QR code; nothing changes until a first code confirms it. */
export async function startEnrolment(db: DbOrTx, actor: Actor) {
  const user = await userOf(db, actor);
  if (user.totpSecret) throw new ConflictError('Two-factor authentication is already on.');
  const secret = new OTPAuth.Secret({ size: 20 }).base32;
  await repo.updateUser(db, user.id, { totpPendingSecret: sealSecret(secret) });
  const otpauthUrl = totpFor(secret, user.email).toString();
  const qrCode = await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 240, errorCorrectionLevel: 'M' });
  return { secret, otpauthUrl, qrCode };
}

async function issueRecoveryCodes(tx: DbOrTx, userId: string) {
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  await repo.replaceRecoveryCodes(tx, userId, codes.map(hashRecoveryCode));
  return codes;
}

/** Turns two-factor on with the first code; returns the recovery codes, shown this once. */
export async function confirmEnrolment(db: Db, actor: Actor, code: string, now: Date) {
  return db.transaction(async (tx) => {
    const user = await userOf(tx, actor);
    if (user.totpSecret) throw new ConflictError('Two-factor authentication is already on.');
    if (!user.totpPendingSecret) throw new ValidationError('Start the set-up first.', 'code');
    const step = totpStep(openSecret(user.totpPendingSecret), code, now);
    if (step === undefined) throw new ValidationError('Wrong code.', 'code');
    await repo.updateUser(tx, user.id, {
      totpSecret: user.totpPendingSecret,
      totpPendingSecret: null,
      totpEnabledAt: now,
      totpLastStep: step,
    });
    const codes = await issueRecoveryCodes(tx, user.id);
    await repo.liftEnrolmentOnly(tx, user.id);
    await recordAudit(tx, actor, {
      action: 'user.two_factor_enabled',
      subjectType: 'user',
      subjectId: user.id,
    });
    return codes;
  });
}

/** New recovery codes (the old ones stop working); needs a current code. */
export async function regenerateRecoveryCodes(db: Db, actor: Actor, code: string, now: Date) {
  return db.transaction(async (tx) => {
    const user = await userOf(tx, actor);
    if (!user.totpSecret) throw new ConflictError('Two-factor authentication is off.');
    if (!(await acceptTotp(tx, user, code, now))) throw new ValidationError('Wrong code.', 'code');
    const codes = await issueRecoveryCodes(tx, user.id);
    await recordAudit(tx, actor, {
      action: 'user.recovery_codes_regenerated',
      subjectType: 'user',
      subjectId: user.id,
    });
    return codes;
  });
}

/** Turns two-factor off with the password or a current code; refused while the role requires it. */
export async function disableTwoFactor(
  db: Db,
  actor: Actor,
  proof: { password?: string | undefined; code?: string | undefined },
  now: Date,
) {
  const user = await userOf(db, actor);
  if (!user.totpSecret) throw new ConflictError('Two-factor authentication is off.');
  if (await isTwoFactorRequired(db, user.role)) {
    throw new ConflictError('Two-factor authentication is required for your role.');
  }
  if (proof.password !== undefined) {
    if (!(await verifyPassword(user.passwordHash, proof.password)))
      throw new ValidationError('Wrong password.', 'password');
  } else if (!proof.code || !(await acceptTotp(db, user, proof.code, now))) {
    throw new ValidationError('Wrong code.', 'code');
  }
  await db.transaction(async (tx) => {
    await repo.updateUser(tx, user.id, {
      totpSecret: null,
      totpPendingSecret: null,
      totpEnabledAt: null,
      totpLastStep: null,
    });
    await repo.replaceRecoveryCodes(tx, user.id, []);
    await recordAudit(tx, actor, {
      action: 'user.two_factor_disabled',
      subjectType: 'user',
      subjectId: user.id,
    });
  });
}

export const readTwoFactorPolicy = (db: DbOrTx) => getSetting(db, TWO_FACTOR_POLICY);

export async function writeTwoFactorPolicy(db: Db, actor: Actor, policy: TwoFactorPolicy) {
  const value = { requiredRoles: ROLES.filter((r) => policy.requiredRoles.includes(r)) };
  await db.transaction(async (tx) => {
    await putSetting(tx, TWO_FACTOR_POLICY, value);
    await recordAudit(tx, actor, {
      action: 'settings.two_factor_policy_updated',
      subjectType: 'settings',
      subjectId: TWO_FACTOR_POLICY.key,
      details: value,
    });
  });
  return value;
}
