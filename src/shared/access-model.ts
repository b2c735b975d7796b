/**
 * Staff roles and permissions: the one list, shared by the server (src/server/access.ts, the database
 * enum) and the admin console (admin/src/api.ts). No imports, so the browser bundle can take it as is.
 */
export const ROLES = ['admin', 'editor', 'agent', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** Everything a staff member or an API key can be allowed to do. API key scopes are permissions. */
export const PERMISSIONS = [
  'content:read',
  'content:write',
  'content:publish',
  'users:manage',
  'api_keys:manage',
  'audit:read',
  'settings:manage',
  'analytics:read',
  'tickets:read',
  'tickets:write',
  // Status page (issue 19): components, incidents, maintenance, subscribers.
  'status:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];
