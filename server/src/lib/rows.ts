/**
 * The one row a query must give (an `INSERT … RETURNING`, or a lookup of a row the transaction just
 * checked or wrote). A missing row is a bug on our side, so it throws an internal error naming it.
 */
export function one<T>(rows: readonly T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`Internal error: expected one ${what} row, got none.`);
  return row;
}
