import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
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
