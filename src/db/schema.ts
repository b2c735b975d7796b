/**
 * The database schema, one file per owning module in `schema/`: a module's tables are read and
 * written only by that module's repository; other modules go through its service. drizzle.config.ts
 * reads this file, so a table exported from a new file must be re-exported here.
 */

/** Staff roles (src/shared/access-model.ts); what each may do is in src/server/access.ts. */
export { ROLES, type Role } from '../shared/access-model.ts';
// Self-service actions (issue 18)
export * from './schema/actions.ts';
export * from './schema/analytics.ts';
export * from './schema/api-keys.ts';
export * from './schema/audit.ts';
export * from './schema/bot.ts';
export * from './schema/chat.ts';
// Customer accounts and the portal (issue 18)
export * from './schema/customers.ts';
export * from './schema/escalation.ts';
export * from './schema/events.ts';
export * from './schema/journey.ts';
export * from './schema/kb.ts';
export * from './schema/outbox.ts';
// Shared rate limits (issue 24): the server's rate-limit store.
export * from './schema/rate-limits.ts';
export * from './schema/settings.ts';
export * from './schema/staff.ts';
export * from './schema/status.ts';
export * from './schema/widget.ts';
