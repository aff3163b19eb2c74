import type { ProjectionTable } from '@ops/infra/projections/projection';
import { createHash } from 'node:crypto';
import type { QueryRunner } from 'typeorm';

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** How one table's rows are hashed: the columns that count, and the key that names a row. */
export interface TableShape {
  table: ProjectionTable;
  columns: string[];
  /** The primary key, or every compared column when the table has none. */
  key: string[];
}

export interface TableChecksum {
  rows: number;
  /** Independent of row order: a sum of per-row hashes, itself hashed for display. */
  checksum: string;
}

/** Reads the live table's columns and primary key, and checks the columns the projection leaves out. */
export async function tableShape(
  runner: QueryRunner,
  schema: string,
  table: ProjectionTable,
): Promise<TableShape> {
  const relation = `${quoteIdentifier(schema)}.${quoteIdentifier(table.name)}`;
  const columns: { attname: string }[] = await runner.query(
    `SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [relation],
  );
  const names = columns.map((column) => column.attname);
  const left = table.unreproducibleColumns ?? [];
  const unknown = left.filter((column) => !names.includes(column));
  if (unknown.length > 0) throw new Error(`${table.name} has no column ${unknown.join(', ')}`);
  const compared = names.filter((column) => !left.includes(column));
  const primary: { attname: string }[] = await runner.query(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [relation],
  );
  return { table, columns: compared, key: primary.length > 0 ? primary.map((row) => row.attname) : compared };
}

const rowText = (columns: readonly string[]) => `ROW(${columns.map(quoteIdentifier).join(', ')})::text`;

/**
 * Count and order-independent checksum of a table's compared columns: the sums of the two halves
 * of each row's md5, so memory stays constant and two tables match whatever order their rows are in.
 */
export async function tableChecksum(
  runner: QueryRunner,
  schema: string,
  shape: TableShape,
): Promise<TableChecksum> {
  const [row]: { rows: string; high: string; low: string }[] = await runner.query(
    `SELECT count(*)::text AS rows,
            coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint::numeric), 0)::text AS high,
            coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint::numeric), 0)::text AS low
       FROM (SELECT md5(${rowText(shape.columns)}) AS h
               FROM ${quoteIdentifier(schema)}.${quoteIdentifier(shape.table.name)}) hashed`,
  );
  const checksum = createHash('sha256')
    .update(`${row.rows}:${row.high}:${row.low}`)
    .digest('hex')
    .slice(0, 16);
  return { rows: Number(row.rows), checksum };
}

/** One batch at a time of (key hash, key, row hash), ordered by key hash, from a cursor on `runner`. */
export class KeyedRows {
  private buffer: { k: string; key: string; h: string }[] = [];
  private index = 0;
  private exhausted = false;

  private constructor(
    private readonly runner: QueryRunner,
    private readonly cursor: string,
  ) {}

  /** Opens the cursor; `runner` must be inside a transaction, which the cursor lives in. */
  static async open(
    runner: QueryRunner,
    cursor: string,
    schema: string,
    shape: TableShape,
  ): Promise<KeyedRows> {
    await runner.query(
      `DECLARE ${quoteIdentifier(cursor)} NO SCROLL CURSOR FOR
         SELECT k, key, h
           FROM (SELECT md5(${rowText(shape.key)}) AS k, ${rowText(shape.key)} AS key, md5(${rowText(shape.columns)}) AS h
                   FROM ${quoteIdentifier(schema)}.${quoteIdentifier(shape.table.name)}) keyed
          ORDER BY k COLLATE "C", key COLLATE "C"`,
    );
    return new KeyedRows(runner, cursor);
  }

  async peek(): Promise<{ k: string; key: string; h: string } | undefined> {
    if (this.index >= this.buffer.length && !this.exhausted) {
      this.buffer = await this.runner.query(`FETCH 1000 FROM ${quoteIdentifier(this.cursor)}`);
      this.index = 0;
      this.exhausted = this.buffer.length === 0;
    }
    return this.buffer[this.index];
  }

  skip(): void {
    this.index++;
  }

  async close(): Promise<void> {
    await this.runner.query(`CLOSE ${quoteIdentifier(this.cursor)}`);
  }
}

export interface DifferingRow {
  /** The row's key as PostgreSQL prints a row, e.g. `(local,alice)`. */
  key: string;
  /** Where the row is: in both but different, or only on one side. */
  found: 'both' | 'live only' | 'rebuilt only';
}

/** Merges two key-ordered row streams and names the first `max` rows that differ. */
export async function differingRows(
  live: KeyedRows,
  rebuilt: KeyedRows,
  max: number,
): Promise<DifferingRow[]> {
  const found: DifferingRow[] = [];
  while (found.length < max) {
    const [a, b] = [await live.peek(), await rebuilt.peek()];
    if (!a && !b) break;
    if (a && (!b || a.k < b.k)) {
      found.push({ key: a.key, found: 'live only' });
      live.skip();
    } else if (b && (!a || b.k < a.k)) {
      found.push({ key: b.key, found: 'rebuilt only' });
      rebuilt.skip();
    } else if (a && b) {
      if (a.h !== b.h) found.push({ key: a.key, found: 'both' });
      live.skip();
      rebuilt.skip();
    }
  }
  return found;
}
