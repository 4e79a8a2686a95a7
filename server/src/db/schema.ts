// The declared schema, one file per feature area under ./schema. Migrations in ./migrations are the
// source of truth for the database; schema.test.ts checks that both describe the same columns.
export * from './schema/foundation.js';
export * from './schema/groups.js';
export * from './schema/invitations.js';
export * from './schema/join-page.js';
export * from './schema/imports.js';
export * from './schema/observers.js';
export * from './schema/api-keys.js';
export * from './schema/webhooks.js';
export * from './schema/people.js';
export * from './schema/operations.js';
export * from './schema/space.js';
export * from './schema/email-changes.js';
export * from './schema/scim.js';
export * from './schema/people-batches.js';
export * from './schema/sso-seats.js';
export * from './schema/domains.js';
export * from './schema/profile-fields.js';
export * from './schema/due-reminders.js';
export * from './schema/group-dashboards.js';
