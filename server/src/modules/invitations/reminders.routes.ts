import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { orgParams } from './invitations.schemas.js';
import { reminderSettings, updateReminderSettings } from './reminders.service.js';
import { reminderSettingsBody, reminderSettingsOut } from './reminders.schemas.js';

/** The organization's invitation reminders: after how many days, how many times, on or off. */
export const invitationReminderRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['invitations'];
    app.get(
      '/api/v1/orgs/:orgId/invitation-reminders',
      {
        config: { auth: 'invitations.read' },
        schema: {
          tags,
          summary: 'Reminders of pending invitations (defaults: off, 3 days, 2 times)',
          params: orgParams,
          response: { 200: reminderSettingsOut },
        },
      },
      async (req) => reminderSettings(ctx, { orgId: orgOf(req).orgId }),
    );
    app.put(
      '/api/v1/orgs/:orgId/invitation-reminders',
      {
        config: { auth: 'invitations.manage' },
        schema: { tags, params: orgParams, body: reminderSettingsBody, response: { 200: reminderSettingsOut } },
      },
      async (req) =>
        updateReminderSettings(ctx, {
          actor: { ...actorOf(req), ip: req.ip, role: orgOf(req).role },
          orgId: orgOf(req).orgId,
          ...req.body,
        }),
    );
  };
