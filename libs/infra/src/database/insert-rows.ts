import type { EntityManager } from 'typeorm';

/** A value as JSON carries it to PostgreSQL: 64-bit integers and times go as their text. */
export type RowValue = string | number | boolean | null;

/** One column of a bulk insert: its name, its SQL type, and how a row gives its value. */
export interface RowColumn<Row> {
  readonly name: string;
  readonly type: string;
  readonly of: (row: Row) => RowValue;
}

/**
 * Inserts `rows` with one statement whose single parameter is the rows as one JSON array of arrays
 * (`jsonb`, each value read back by its index). A projector replaying the log writes thousands of
 * rows per batch: one parameter per column (`unnest` of arrays) has the driver quote every element
 * of every array and the server parse each array literal; measured on 200,000 audit rows, this form
 * takes about a quarter less CPU on both sides (and `json_to_recordset` of objects more, on the
 * server). `suffix` follows the SELECT (an `ON CONFLICT` clause).
 */
export async function insertRows<Row>(
  tx: EntityManager,
  table: string,
  columns: readonly RowColumn<Row>[],
  rows: readonly Row[],
  suffix = '',
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((column) => column.name).join(', ');
  const values = columns.map((column, index) => `(r ->> ${index})::${column.type}`).join(', ');
  await tx.query(
    `INSERT INTO ${table} (${names}) SELECT ${values} FROM jsonb_array_elements($1::jsonb) AS r ${suffix}`,
    [JSON.stringify(rows.map((row) => columns.map((column) => column.of(row))))],
  );
}
