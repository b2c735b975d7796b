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
});

export const Me = z.object({
  user: StaffUser,
  permissions: z.array(z.string()),
  csrfToken: z
    .string()
    .describe('Send it back in the `x-csrf-token` header on every cookie-authenticated write.'),
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
