import { FieldErrorsException } from '@ops/infra/http/problem-details';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

export const DEFAULT_PAGE_SIZE = 100;

/** One page of a read model's rows, and where the next one starts: the API maps the rows to its views. */
export interface RowPage<Row> {
  rows: Row[];
  /** Null on the last page. */
  next_cursor: string | null;
}

/** Which page a list query reads: how many items, after which earlier page's `next_cursor`. */
export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string;
}

/** What a key part is in SQL: a forged cursor is refused here, before it can reach a query. */
type KeyType = 'text' | 'uuid' | 'timestamptz';

export interface KeyColumn<Row> {
  /** The expression the query orders by, e.g. `a.occurred_at`. */
  readonly column: string;
  readonly type: KeyType;
  readonly of: (row: Row) => string | Date;
}

/** The order of a list: its last column must make the key unique, so no two rows tie. */
export interface Keyset<Row> {
  readonly columns: readonly KeyColumn<Row>[];
  readonly direction: 'ASC' | 'DESC';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_TEXT_KEY = 500;

function invalidCursor(): FieldErrorsException {
  return new FieldErrorsException([
    { field: 'cursor', message: 'cursor must be the next_cursor of a previous page' },
  ]);
}

const VALID: Record<KeyType, (value: string) => boolean> = {
  text: (value) => value.length <= MAX_TEXT_KEY,
  uuid: (value) => UUID.test(value),
  // Only what encodeCursor writes: an exact ISO time that round-trips.
  timestamptz: (value) => {
    const time = new Date(value);
    return !Number.isNaN(time.getTime()) && time.toISOString() === value;
  },
};

export function encodeCursor<Row>(keyset: Keyset<Row>, row: Row): string {
  const values = keyset.columns.map(({ of }) => {
    const value = of(row);
    return value instanceof Date ? value.toISOString() : value;
  });
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The key values a cursor carries, each checked against its column's type. */
export function decodeCursor<Row>(keyset: Keyset<Row>, cursor: string): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const { columns } = keyset;
  const valid =
    Array.isArray(values) &&
    values.length === columns.length &&
    values.every((value, index) => typeof value === 'string' && VALID[columns[index].type](value));
  if (!valid) throw invalidCursor();
  return values as string[];
}

/**
 * One page of a query in keyset order: rows strictly after the cursor's key (a row-value comparison
 * the index serves), never OFFSET, so pages neither repeat nor skip rows when others are inserted.
 */
export async function keysetPage<Row extends ObjectLiteral>(
  select: SelectQueryBuilder<Row>,
  keyset: Keyset<Row>,
  request: PageRequest,
): Promise<RowPage<Row>> {
  const limit = request.limit ?? DEFAULT_PAGE_SIZE;
  const { columns, direction } = keyset;
  if (request.cursor !== undefined) {
    const values = decodeCursor(keyset, request.cursor);
    const names = columns.map((_, index) => `cursor_${index}`);
    const after = names.map((name, index) => `CAST(:${name} AS ${columns[index].type})`);
    select.andWhere(
      `(${columns.map(({ column }) => column).join(', ')}) ${direction === 'ASC' ? '>' : '<'} (${after.join(', ')})`,
      Object.fromEntries(names.map((name, index) => [name, values[index]])),
    );
  }
  columns.forEach(({ column }, index) =>
    index === 0 ? select.orderBy(column, direction) : select.addOrderBy(column, direction),
  );
  const rows = await select.limit(limit + 1).getMany();
  const page = rows.slice(0, limit);
  return {
    rows: page,
    next_cursor: rows.length > limit ? encodeCursor(keyset, page[page.length - 1]) : null,
  };
}
