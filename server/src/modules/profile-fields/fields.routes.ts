import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import * as s from './fields.schemas.js';
import * as svc from './fields.service.js';
import * as rules from './rules.service.js';
import * as r from './rules.schemas.js';

export const profileFieldsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['profile-fields'];
    const actor = (req: Parameters<typeof actorOf>[0]) => ({ ...actorOf(req), ip: req.ip });
    const base = '/api/v1/orgs/:orgId/profile-fields';

    app.get(
      base,
      {
        config: { auth: 'members.read' },
        schema: { tags, summary: 'Custom profile fields', params: s.orgParams, response: { 200: s.fieldListOut } },
      },
      async (req) => svc.listFields(ctx, { orgId: orgOf(req).orgId }),
    );
    app.post(
      base,
      { config: { auth: 'fields.manage' }, schema: { tags, params: s.orgParams, body: s.createFieldBody, response: { 201: s.fieldOut } } },
      async (req, reply) =>
        reply.code(201).send(await svc.createField(ctx, { actor: actor(req), orgId: orgOf(req).orgId, body: req.body })),
    );
    app.patch(
      `${base}/:fieldId`,
      { config: { auth: 'fields.manage' }, schema: { tags, params: s.fieldParams, body: s.patchFieldBody, response: { 200: s.fieldOut } } },
      async (req) => svc.updateField(ctx, { actor: actor(req), orgId: orgOf(req).orgId, fieldId: req.params.fieldId, body: req.body }),
    );
    app.delete(
      `${base}/:fieldId`,
      {
        config: { auth: 'fields.manage' },
        schema: {
          tags,
          summary: 'Delete a field and its values; groups whose rule reads it are marked broken',
          params: s.fieldParams,
          response: { 200: z.object({ brokenGroups: z.array(z.object({ groupId: z.string(), name: z.string() })) }) },
        },
      },
      async (req) => svc.deleteField(ctx, { actor: actor(req), orgId: orgOf(req).orgId, fieldId: req.params.fieldId }),
    );

    // Learners see the fields marked visible and change those marked editable (issue 15).
    const mine = '/api/v1/orgs/:orgId/me/fields';
    app.get(
      mine,
      {
        config: { auth: 'learning.self' },
        schema: { tags, summary: 'My profile fields in this organization', params: s.orgParams, response: { 200: s.myFieldsOut } },
      },
      async (req) => svc.myFields(ctx, { orgId: orgOf(req).orgId, accountId: actorOf(req).id }),
    );
    app.patch(
      mine,
      {
        config: { auth: 'learning.self' },
        schema: {
          tags,
          summary: 'Change my editable profile fields',
          params: s.orgParams,
          body: s.myFieldsBody,
          response: { 200: s.myFieldsOut },
        },
      },
      async (req) => svc.setMyFields(ctx, { actor: actor(req), orgId: orgOf(req).orgId, fields: req.body.fields }),
    );

    const rule = '/api/v1/orgs/:orgId/groups/:groupId/rule';
    app.get(
      rule,
      {
        config: { auth: 'groups.read' },
        schema: { tags, summary: 'The group’s membership mode and rule', params: r.groupParams, response: { 200: r.ruleOut } },
      },
      async (req) => rules.getRule(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId }),
    );
    app.put(
      rule,
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'Make the group rule-based (applied at once)',
          params: r.groupParams,
          body: r.ruleBody,
          response: { 200: r.ruleOut },
        },
      },
      async (req) => rules.putRule(ctx, { actor: actor(req), orgId: orgOf(req).orgId, groupId: req.params.groupId, rule: req.body }),
    );
    app.delete(
      rule,
      { config: { auth: 'groups.manage' }, schema: { tags, summary: 'Make the group manual again', params: r.groupParams } },
      async (req, reply) => {
        await rules.deleteRule(ctx, { actor: actor(req), orgId: orgOf(req).orgId, groupId: req.params.groupId });
        return reply.code(204).send();
      },
    );
    app.post(
      `${rule}/preview`,
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'What the rule would change now',
          params: r.groupParams,
          body: r.ruleBody,
          response: { 200: r.previewOut },
        },
      },
      async (req) => rules.previewRule(ctx, { orgId: orgOf(req).orgId, groupId: req.params.groupId, rule: req.body }),
    );
    app.put(
      `${rule}/exceptions`,
      {
        config: { auth: 'groups.manage' },
        schema: {
          tags,
          summary: 'People always in, or never in, whatever the rule says',
          params: r.groupParams,
          body: r.exceptionsBody,
          response: { 200: r.ruleOut },
        },
      },
      async (req) => rules.setExceptions(ctx, { actor: actor(req), orgId: orgOf(req).orgId, groupId: req.params.groupId, ...req.body }),
    );
  };
