import { z } from 'zod';
import { ROLES } from '../../db/schema.ts';

export const Email = z.email().max(254).describe('E-mail address (case-insensitive).');
export const Password = z.string().min(12).max(256).describe('At least 12 characters.');
export const Role = z.enum(ROLES).describe('admin, editor, agent or analyst.');
export const UserId = z.strictObject({ id: z.uuid() });

export const StaffUser = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: Role,
  active: z.boolean(),
  createdAt: z.date(),
  lastLoginAt: z.date().nullable(),
  twoFactorEnabled: z.boolean().describe('Signs in with a code from an authenticator app too.'),
});

export const Me = z.object({
  user: StaffUser,
  permissions: z.array(z.string()),
  csrfToken: z
    .string()
    .describe('Send it back in the `x-csrf-token` header on every cookie-authenticated write.'),
  twoFactorSetupRequired: z
    .boolean()
    .describe('Two-factor authentication is required and not set up: the session may only set it up.'),
});

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(256) });
export const SetupBody = z.strictObject({
  token: z.string().min(1).max(200),
  email: Email,
  name: z.string().trim().min(1).max(120),
  password: Password,
});
export const AcceptInviteBody = z.strictObject({ token: z.string().min(1).max(300), password: Password });
export const NewUserBody = z.strictObject({
  email: Email,
  name: z.string().trim().min(1).max(120),
  role: Role,
  password: Password.optional().describe('Omit to get a one-time invitation link instead.'),
});
export const UserPatchBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    role: Role.optional(),
    active: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'Nothing to change.' });

// ── two-factor authentication and sessions ──

export const TotpCode = z
  .string()
  .regex(/^\d{6}$/, 'six digits')
  .describe('The 6-digit code shown by the authenticator app.');
export const TwoFactorStep = z.strictObject({
  code: TotpCode.optional(),
  recoveryCode: z.string().min(8).max(40).optional().describe('One of the recovery codes, used once.'),
});
export const TwoFactorPending = z.object({
  twoFactorRequired: z.literal(true),
  expiresAt: z.date().describe('Send the code before this instant (POST /api/v1/auth/two-factor).'),
});
export const CodeBody = z.strictObject({ code: TotpCode });
export const DisableTwoFactorBody = z
  .strictObject({ password: z.string().min(1).max(256).optional(), code: TotpCode.optional() })
  .refine((b) => b.password !== undefined || b.code !== undefined, {
    message: 'Give your password or a code.',
    path: ['password'],
  });
export const TwoFactorStatus = z.object({
  enabled: z.boolean(),
  enabledAt: z.date().nullable(),
  recoveryCodesLeft: z.number().int(),
  required: z.boolean().describe('Your role must use two-factor authentication (set by an admin).'),
});
export const TwoFactorEnrolment = z.object({
  secret: z.string().describe('Base32 secret, for typing into the app by hand.'),
  otpauthUrl: z.string(),
  qrCode: z.string().describe('The otpauth URL as a PNG data: URL.'),
});
export const RecoveryCodes = z.object({
  recoveryCodes: z.array(z.string()).describe('Shown once: each signs in once without the app.'),
});
export const TwoFactorPolicy = z.strictObject({
  requiredRoles: z.array(Role).max(4).describe('Roles that must use two-factor authentication.'),
});
export const SessionView = z.object({
  id: z.uuid(),
  createdAt: z.date(),
  lastUsedAt: z.date(),
  expiresAt: z.date(),
  userAgent: z.string().nullable().describe('Browser and system only, e.g. "Firefox · Linux".'),
  network: z.string().nullable().describe('The address coarsened to its network (/24 or /48).'),
  current: z.boolean(),
});
export const SessionId = z.strictObject({ id: z.uuid() });
