import type { Database, SqlExecutor } from '../db/client.js';

type Rows = { rows: Record<string, unknown>[] };

/** An executor over PGlite's single connection: calls go one at a time, and a failed call does not block the next. */
export function pgliteExecutor(database: Database): SqlExecutor {
  const pglite = database.pglite;
  if (!pglite) throw new Error('pgliteExecutor needs an embedded database');
  let chain: Promise<unknown> = Promise.resolve();
  return {
    executeSql(text, values = []) {
      const run = async (): Promise<Rows> => {
        if (values.length === 0 && text.includes(';')) {
          const results = await pglite.exec(text);
          return { rows: (results[results.length - 1]?.rows ?? []) as Rows['rows'] };
        }
        return (await pglite.query(text, values)) as Rows;
      };
      const next = chain.then(run, run);
      chain = next.catch(() => {});
      return next;
    },
  };
}
