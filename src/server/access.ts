import { PERMISSIONS, type Permission, type Role } from '../shared/access-model.ts';
import { AppError, ForbiddenError, UnauthorizedError } from './errors.ts';

export { PERMISSIONS, type Permission };

/** The single source of what each role may do. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  editor: ['content:read', 'content:write'],
  agent: ['content:read', 'tickets:read', 'tickets:write', 'status:manage'],
  analyst: ['content:read', 'analytics:read'],
};

/**
 * What a route requires, declared in its `config.access`:
 * - 'public': anyone, signed in or not;
 * - 'account': a signed-in staff member's own session (their account: sign-out, 2FA, sessions),
 *   also while it is limited to setting up two-factor authentication; never an API key;
 * - 'staff': any signed-in staff member or API key;
 * - 'customer': a signed-in customer (portal session, `relais_customer` cookie), never staff;
 * - a permission: an actor holding it.
 */
export type Access = 'public' | 'account' | 'staff' | 'customer' | Permission;

export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      id: string;
      role: Role;
      permissions: ReadonlySet<Permission>;
      sessionId: string;
      csrfToken: string;
      /** Two-factor authentication is required and not set up yet: only 'account' routes. */
      enrolmentOnly?: boolean;
    }
  | { kind: 'api_key'; id: string; permissions: ReadonlySet<Permission> }
  /** A customer signed in to the portal: holds no permission, reaches only 'customer' and public routes. */
  | { kind: 'customer'; id: string; sessionId: string; csrfToken: string };

export type StaffActor = Extract<Actor, { kind: 'user' | 'api_key' }>;

export const ANONYMOUS: Actor = { kind: 'anonymous' };

export function can(actor: Actor, permission: Permission): boolean {
  return isStaff(actor) && actor.permissions.has(permission);
}

export function isStaff(actor: Actor): actor is StaffActor {
  return actor.kind === 'user' || actor.kind === 'api_key';
}

/** Throws 401/403 unless `actor` satisfies `access`. The only gate in front of every route. */
export function checkAccess(actor: Actor, access: Access): void {
  if (access === 'public') return;
  if (access === 'customer') {
    if (actor.kind !== 'customer') throw new UnauthorizedError();
    return;
  }
  if (!isStaff(actor)) throw new UnauthorizedError();
  if (access === 'account') {
    if (actor.kind !== 'user') throw new ForbiddenError('This is for signed-in staff members.');
    return;
  }
  if (actor.kind === 'user' && actor.enrolmentOnly) {
    throw new AppError('two-factor-enrolment-required', 403, 'Set up two-factor authentication first.');
  }
  if (access !== 'staff' && !actor.permissions.has(access)) {
    throw new ForbiddenError(`This requires the '${access}' permission.`);
  }
}

/** Object-level rules of a module: `(actor, subject) => allowed`. */
export type Rules<S> = Record<string, (actor: Actor, subject: S) => boolean>;

/** Throws ForbiddenError unless the module's rule for `action` allows `actor` on `subject`. */
export function authorize<S, R extends Rules<S>>(
  rules: R,
  actor: Actor,
  action: keyof R & string,
  subject: S,
) {
  const rule = rules[action];
  if (!rule?.(actor, subject)) {
    if (!isStaff(actor)) throw new UnauthorizedError();
    throw new ForbiddenError(`You may not ${action} this.`);
  }
}

/** Stable actor reference for the audit log: ids, never names or e-mails. */
export function actorRef(actor: Actor): {
  actorType: 'user' | 'api_key' | 'customer' | 'system';
  actorId: string | null;
} {
  // A customer's own writes (self-service actions) are audited under the customer's id.
  if (actor.kind === 'anonymous') return { actorType: 'system', actorId: null };
  return { actorType: actor.kind, actorId: actor.id };
}
