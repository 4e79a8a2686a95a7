import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import { storableText } from '../../http/input-guard.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, orgOf } from '../../http/auth.js';
import { AppError } from '../../http/errors.js';
import { listQuery, page } from '../../lib/pagination.js';
import * as history from './history.service.js';
import * as s from './imports.schemas.js';
import { approveImport, recheckImport, rejectImport, resultsCsv } from './imports.service.js';
import { createImport, IMPORT_LIMITS, type ImportInput, type ImportSync } from './preview.service.js';
import { autoApproveImport } from './auto-approve.service.js';
import { templateCsv, templateXlsx } from './template.js';

const tooLarge = () =>
  new AppError(413, 'file_too_large', `The file is larger than ${IMPORT_LIMITS.maxBytes / 1048576} MB; split it into several files.`, {
    limitBytes: IMPORT_LIMITS.maxBytes,
  });

export const importsRoutes =
  (ctx: AppContext): FastifyPluginAsyncZod =>
  async (app) => {
    await app.register(multipart, { limits: { fileSize: IMPORT_LIMITS.maxBytes, files: 1, fields: 16 } });
    const tags = ['imports'];
    const actor = (req: Parameters<typeof actorOf>[0]) => ({ ...actorOf(req), ip: req.ip, role: orgOf(req).role });
    const base = '/api/v1/orgs/:orgId/imports';

    app.get(
      `${base}/template.csv`,
      { config: { auth: 'imports.manage' }, schema: { tags, summary: 'The CSV template', params: s.orgParams } },
      async (req, reply) => {
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', 'attachment; filename="troupe-learners.csv"')
          .send(await templateCsv(ctx.db, orgOf(req).orgId));
      },
    );
    app.get(
      `${base}/template.xlsx`,
      {
        config: { auth: 'imports.manage' },
        schema: { tags, summary: 'The Excel template, with an explanation sheet', params: s.orgParams },
      },
      async (req, reply) => {
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('Content-Disposition', 'attachment; filename="troupe-learners.xlsx"')
          .send(await templateXlsx(ctx.db, orgOf(req).orgId));
      },
    );

    app.post(
      base,
      {
        config: { auth: 'imports.manage' },
        bodyLimit: IMPORT_LIMITS.maxBytes + 1024 * 1024,
        schema: {
          tags,
          summary: 'Upload a CSV/TSV/XLSX file (multipart `file`) or paste a table (JSON `{text}`); answers the preview',
          params: s.orgParams,
          querystring: s.modeQuery,
          response: { 201: s.previewOut },
        },
      },
      async (req, reply) => {
        let input: ImportInput;
        let mode = req.query.mode ?? 'invite';
        let createMissingGroups = req.query.createMissingGroups === 'true';
        const q = req.query;
        const sync: Partial<ImportSync> = {
          ...(q.syncMode ? { syncMode: q.syncMode } : {}),
          ...(q.blankCells ? { blankCells: q.blankCells } : {}),
          ...(q.syncScope
            ? {
                syncScope: {
                  groupIds: q.syncScope
                    .split(',')
                    .map((x) => x.trim())
                    .filter(Boolean),
                },
              }
            : {}),
          ...(q.archiveThresholdPercent !== undefined ? { archiveThresholdPercent: q.archiveThresholdPercent } : {}),
        };
        let autoApprove = q.autoApprove === 'true';
        if (req.isMultipart()) {
          let file: { bytes: Buffer; name: string } | null = null;
          try {
            for await (const part of req.parts()) {
              if (part.type === 'file') file = { bytes: await part.toBuffer(), name: storableText(part.filename) || 'upload.csv' };
              else if (part.fieldname === 'mode' && (part.value === 'invite' || part.value === 'create')) mode = part.value;
              else if (part.fieldname === 'createMissingGroups') createMissingGroups = part.value === 'true';
              else if (part.fieldname === 'autoApprove') autoApprove = part.value === 'true';
              else Object.assign(sync, s.syncField(part.fieldname, String(part.value)));
            }
          } catch (err) {
            if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
            throw err;
          }
          if (!file) throw new AppError(422, 'file_required', 'Choose a file to upload.', { fields: { file: 'Choose a file.' } });
          input = { kind: 'file', bytes: file.bytes, fileName: file.name };
        } else {
          const body = s.pasteBody.safeParse(req.body);
          if (!body.success)
            throw new AppError(422, 'validation_failed', 'Send a file (multipart) or a pasted table as {"text": "..."}.', {
              fields: { text: body.error.issues[0]?.message },
            });
          input = { kind: 'paste', text: body.data.text };
          mode = body.data.mode;
          createMissingGroups = body.data.createMissingGroups;
          const { syncMode, blankCells, syncScope, archiveThresholdPercent } = body.data;
          Object.assign(sync, JSON.parse(JSON.stringify({ syncMode, blankCells, syncScope, archiveThresholdPercent })));
          autoApprove = body.data.autoApprove ?? autoApprove;
        }
        const who = actor(req);
        const orgId = orgOf(req).orgId;
        const id = await createImport(ctx, { actor: who, orgId, mode, input, createMissingGroups, sync: { syncMode: 'add', ...sync } });
        if (autoApprove) await autoApproveImport(ctx, { actor: who, orgId, importId: id });
        return reply.code(201).send(await history.getPreview(ctx, orgId, id));
      },
    );

    app.get(
      base,
      {
        config: { auth: 'imports.read' },
        schema: {
          tags,
          summary: 'The history of imports',
          params: s.orgParams,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), cursor: z.string().optional() }),
          response: { 200: page(s.importOut) },
        },
      },
      async (req) => {
        return history.listImports(ctx, { orgId: orgOf(req).orgId, ...req.query });
      },
    );

    app.get(
      `${base}/:importId`,
      {
        config: { auth: 'imports.read' },
        schema: { tags, summary: 'Status, progress (0–100), counts and result', params: s.importParams, response: { 200: s.importOut } },
      },
      async (req) => {
        return history.getImport(ctx, orgOf(req).orgId, req.params.importId);
      },
    );

    app.get(
      `${base}/:importId/rows`,
      {
        config: { auth: 'imports.read' },
        schema: { tags, params: s.importParams, querystring: s.rowsQuery, response: { 200: page(s.rowOut) } },
      },
      async (req) => {
        return history.listImportRows(ctx, { orgId: orgOf(req).orgId, importId: req.params.importId, ...req.query });
      },
    );

    app.get(
      `${base}/:importId/to-archive`,
      {
        config: { auth: 'imports.read' },
        schema: {
          tags,
          summary: 'Sync: the members this import would archive now, page by page',
          params: s.importParams,
          querystring: z.object(listQuery),
          response: { 200: page(s.archiveOut) },
        },
      },
      async (req) => {
        return history.listToArchive(ctx, { orgId: orgOf(req).orgId, importId: req.params.importId, actor: actor(req), ...req.query });
      },
    );

    app.get(
      `${base}/:importId/results.csv`,
      { config: { auth: 'imports.read' }, schema: { tags, summary: 'Per-row result as CSV', params: s.importParams } },
      async (req, reply) => {
        const imp = await history.getImport(ctx, orgOf(req).orgId, req.params.importId);
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="import-${imp.id}-results.csv"`)
          .send(Readable.from(resultsCsv(ctx, imp.id)));
      },
    );

    app.get(
      `${base}/:importId/file`,
      { config: { auth: 'imports.read' }, schema: { tags, summary: 'The uploaded file', params: s.importParams } },
      async (req, reply) => {
        const file = await history.importFile(ctx, orgOf(req).orgId, req.params.importId);
        const safeName = file.fileName.replace(/[^\w.-]+/g, '_');
        return reply.type('application/octet-stream').header('Content-Disposition', `attachment; filename="${safeName}"`).send(file.bytes);
      },
    );

    app.post(
      `${base}/:importId/approve`,
      {
        config: { auth: 'imports.manage' },
        schema: {
          tags,
          summary: 'Approve: the import runs in the background',
          params: s.importParams,
          body: s.approveBody.optional(),
          response: { 202: s.importOut },
        },
      },
      async (req, reply) => {
        await approveImport(ctx, { actor: actor(req), orgId: orgOf(req).orgId, importId: req.params.importId, ...(req.body ?? {}) });
        return reply.code(202).send(await history.getImport(ctx, orgOf(req).orgId, req.params.importId));
      },
    );

    app.post(
      `${base}/:importId/reject`,
      {
        config: { auth: 'imports.manage' },
        schema: { tags, summary: 'Reject (disapprove): nothing is applied', params: s.importParams, response: { 200: s.importOut } },
      },
      async (req) => {
        await rejectImport(ctx, { actor: actor(req), orgId: orgOf(req).orgId, importId: req.params.importId });
        return history.getImport(ctx, orgOf(req).orgId, req.params.importId);
      },
    );

    app.post(
      `${base}/:importId/recheck`,
      {
        config: { auth: 'imports.manage' },
        schema: {
          tags,
          summary: 'Check the rows again, e.g. after choosing to create missing groups',
          params: s.importParams,
          body: z.strictObject({ createMissingGroups: z.boolean() }),
          response: { 200: s.previewOut },
        },
      },
      async (req) => {
        await recheckImport(ctx, {
          actor: actor(req),
          orgId: orgOf(req).orgId,
          importId: req.params.importId,
          createMissingGroups: req.body.createMissingGroups,
        });
        return history.getPreview(ctx, orgOf(req).orgId, req.params.importId);
      },
    );
  };
