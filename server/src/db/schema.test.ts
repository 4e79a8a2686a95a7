import { getTableConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.js';
import * as schema from './schema.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => v instanceof PgTable);

it('builds from the migrations a database whose tables and columns match the declared schema', async () => {
  const { rows } = await t.ctx.database.query<{ table_name: string; column_name: string; is_nullable: string; udt_name: string }>(
    `SELECT table_name, column_name, is_nullable, udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'`,
  );
  const actual = new Map<string, string>();
  for (const r of rows) actual.set(`${r.table_name}.${r.column_name}`, `${r.udt_name}${r.is_nullable === 'NO' ? ' not null' : ''}`);
  const declared = new Map<string, string>();
  const udt: Record<string, string> = {
    PgUUID: 'uuid',
    PgText: 'text',
    PgTimestampString: 'timestamptz',
    PgTimestamp: 'timestamptz',
    PgBoolean: 'bool',
    PgInteger: 'int4',
    PgJsonb: 'jsonb',
    PgBigInt53: 'int8',
    PgSmallInt: 'int2',
    PgReal: 'float4',
    PgDoublePrecision: 'float8',
    PgDateString: 'date',
    PgDate: 'date',
  };
  for (const table of tables) {
    const cfg = getTableConfig(table);
    for (const c of cfg.columns) {
      const type =
        c.columnType === 'PgArray'
          ? `_${udt[(c as unknown as { baseColumn: { columnType: string } }).baseColumn.columnType]}`
          : (udt[c.columnType] ?? c.columnType);
      declared.set(`${cfg.name}.${c.name}`, `${type}${c.notNull ? ' not null' : ''}`);
    }
  }
  const dbTables = new Set([...actual.keys()].map((k) => k.split('.')[0]));
  const declaredTables = new Set([...declared.keys()].map((k) => k.split('.')[0]));
  expect([...declaredTables].sort()).toEqual([...dbTables].sort());
  expect(Object.fromEntries([...declared].sort())).toEqual(Object.fromEntries([...actual].sort()));
});

/** The quoted values in a CHECK's text, sorted: what an enumerated column allows. */
const literals = (text: string) => [...text.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '').sort();

it('declares the CHECK constraints and unique indexes that the migrations build, with the same allowed values', async () => {
  const dialect = new PgDialect();
  const { rows: checks } = await t.ctx.database.query<{ table_name: string; name: string; def: string }>(
    `SELECT c.conrelid::regclass::text AS table_name, c.conname AS name, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'c' AND n.nspname = current_schema()`,
  );
  const { rows: uniques } = await t.ctx.database.query<{ table_name: string; name: string }>(
    `SELECT i.indrelid::regclass::text AS table_name, c.relname AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indisunique AND NOT i.indisprimary AND n.nspname = current_schema()
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
  );
  const declaredChecks: Record<string, string[]> = {};
  const declaredUniques: string[] = [];
  for (const table of tables) {
    const cfg = getTableConfig(table);
    for (const c of cfg.checks) declaredChecks[`${cfg.name}.${c.name}`] = literals(dialect.sqlToQuery(c.value).sql);
    for (const i of cfg.indexes) if (i.config.unique) declaredUniques.push(`${cfg.name}.${i.config.name}`);
  }
  const actualChecks = Object.fromEntries(checks.map((c) => [`${c.table_name}.${c.name}`, literals(c.def)]));
  expect(declaredChecks).toEqual(actualChecks);
  expect(declaredUniques.sort()).toEqual(uniques.map((u) => `${u.table_name}.${u.name}`).sort());
  // What the code relies on is there: a role outside the list is refused by the database itself.
  expect(actualChecks['memberships.memberships_role_check']).toEqual(
    ['admin', 'guest', 'learner', 'manager_full', 'manager_limited', 'owner'].sort(),
  );
});
