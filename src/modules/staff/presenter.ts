import type { UserRow } from './repository.ts';

/** Staff as the console sees them: never the password hash. */
export function presentUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
    twoFactorEnabled: Boolean(u.totpSecret),
  };
}
