import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.js';
import type { JobDefinition, JobQueue } from '../jobs/queue.js';
import { indexMailHooks, type MailHook } from '../mail/hooks.js';
import { emailJobs } from '../mail/outbox.js';
import { setBearerResolver } from '../http/auth.js';
import { apiKeysRoutes } from './api-keys/api-keys.routes.js';
import { resolveApiKey } from './api-keys/bearer.js';
import { webhookJobs } from './webhooks/delivery-job.js';
import { registerWebhookTemplates } from './webhooks/disabled-mail.js';
import { webhooksRoutes } from './webhooks/webhooks.routes.js';
import { peopleRoutes } from './people/people.routes.js';
import { peopleBatchJobs } from './people/people-batch.service.js';
import { accountsRoutes } from './accounts/accounts.routes.js';
import { emailChangeRoutes } from './accounts/email-change.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { enrolmentsRoutes } from './enrolments/enrolments.routes.js';
import { dueReminderJobs } from './enrolments/due-reminders.service.js';
import { registerDueReminderTemplates } from './enrolments/due-reminder-mail.js';
import { dashboardJobs } from './groups/dashboard.service.js';
import { groupsRoutes } from './groups/groups.routes.js';
import { importsRoutes } from './imports/imports.routes.js';
import { importJobs } from './imports/imports.service.js';
import { registerImportTemplates } from './imports/held-mail.js';
import { invitationJobs } from './invitations/batch.service.js';
import { invitationsRoutes } from './invitations/invitations.routes.js';
import { invitationMailHooks } from './invitations/lifecycle.service.js';
import { invitationLinkRoutes } from './invitations/public.routes.js';
import { registerReminderTemplates } from './invitations/reminder-mail.js';
import { invitationReminderRoutes } from './invitations/reminders.routes.js';
import { reminderJobs } from './invitations/reminders.service.js';
import { joinPageRoutes } from './join-page/join-page.routes.js';
import { joinPageMailHooks } from './join-page/request.service.js';
import { membersRoutes } from './members/members.routes.js';
import { observerJobs } from './observers/digest.service.js';
import { observersRoutes } from './observers/observers.routes.js';
import { passcodesRoutes } from './passcodes/passcodes.routes.js';
import { orgsRoutes } from './orgs/orgs.routes.js';
import { programsRoutes } from './programs/programs.routes.js';
import { postsRoutes } from './posts/posts.routes.js';
import { spaceJobs } from './posts/posts.service.js';
import { scimRoutes } from './scim/scim.routes.js';
import { scimTokensRoutes } from './scim/scim-tokens.routes.js';
import { registerSeatTemplates } from './seats/seats-mail.js';
import { ssoRoutes } from './sso/sso.routes.js';
import { domainJobs } from './domains/domains.jobs.js';
import { domainsRoutes } from './domains/domains.routes.js';
import { registerJoinRequestTemplates } from './join-requests/join-requests.mail.js';
import { joinRequestsRoutes } from './join-requests/join-requests.routes.js';
import { profileFieldsRoutes } from './profile-fields/fields.routes.js';
import { ruleJobs } from './profile-fields/rules.service.js';

/** Every feature's routes, in one list. */
export const featureRoutes: ((ctx: AppContext) => FastifyPluginAsyncZod)[] = [
  accountsRoutes,
  orgsRoutes,
  auditRoutes,
  groupsRoutes,
  programsRoutes,
  enrolmentsRoutes,
  membersRoutes,
  invitationsRoutes,
  invitationLinkRoutes,
  passcodesRoutes,
  importsRoutes,
  joinPageRoutes,
  apiKeysRoutes,
  webhooksRoutes,
  peopleRoutes,
  postsRoutes,
  emailChangeRoutes,
  observersRoutes,
  invitationReminderRoutes,
  scimRoutes, // issue 13
  scimTokensRoutes,
  ssoRoutes, // issue 16
  domainsRoutes, // issue 16
  joinRequestsRoutes,
  profileFieldsRoutes, // issue 15
];

/** What follows each template's delivery, for every feature (delivery events go to the webhooks outbox). */
export function featureMailHooks(jobs: JobQueue): MailHook[] {
  return [invitationMailHooks(['invitation', 'session-invitation'], jobs), joinPageMailHooks];
}

/** Registers every feature's background jobs (the email jobs bound to the mail hooks): called once at start. */
export function registerFeatureJobs(jobs: JobQueue): void {
  const list: JobDefinition[] = [
    ...emailJobs(indexMailHooks(featureMailHooks(jobs))),
    ...invitationJobs,
    ...importJobs,
    ...observerJobs,
    ...webhookJobs,
    ...spaceJobs,
    ...peopleBatchJobs,
    ...reminderJobs,
    ...domainJobs,
    ...ruleJobs,
    ...dashboardJobs,
    ...dueReminderJobs,
  ];
  jobs.register(list);
}

// API keys authenticate bearer requests; the webhooks module adds its email template.
setBearerResolver(resolveApiKey);
registerWebhookTemplates();
registerReminderTemplates();
registerSeatTemplates(); // issue 16
registerJoinRequestTemplates();
registerImportTemplates();
registerDueReminderTemplates();
