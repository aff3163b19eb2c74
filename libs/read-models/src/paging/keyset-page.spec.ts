import { decodeCursor, encodeCursor, type Keyset } from './keyset-page';

interface Row {
  at: Date;
  id: string;
  name: string;
}

const keyset: Keyset<Row> = {
  columns: [
    { column: 'r.at', type: 'timestamptz', of: (row) => row.at },
    { column: 'r.id', type: 'uuid', of: (row) => row.id },
    { column: 'r.name', type: 'text', of: (row) => row.name },
  ],
  direction: 'DESC',
};

const row: Row = {
  at: new Date('2026-03-01T10:20:30.456Z'),
  id: '0b2f0f8e-0000-4000-8000-000000000000',
  name: 'local-user-local/carol|"quoted"',
};

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('page cursors', () => {
  it('carry the key of the last row, in URL-safe characters, and read back exactly', () => {
    const cursor = encodeCursor(keyset, row);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(keyset, cursor)).toEqual([row.at.toISOString(), row.id, row.name]);
  });

  it.each([
    ['not base64url JSON', 'bm9uc2Vuc2U'],
    ['fewer parts', cursorOf(['2026-03-01T10:20:30.456Z', row.id])],
    ['more parts', cursorOf(['2026-03-01T10:20:30.456Z', row.id, 'x', 'y'])],
    ['a number', cursorOf([1, row.id, 'x'])],
    ['a time that does not round-trip', cursorOf(['2026-03-01T10:20:30Z', row.id, 'x'])],
    ['no time at all', cursorOf(['now', row.id, 'x'])],
    ['an id that is not a UUID', cursorOf(['2026-03-01T10:20:30.456Z', "1' OR '1'='1", 'x'])],
    ['an overlong text', cursorOf(['2026-03-01T10:20:30.456Z', row.id, 'x'.repeat(501)])],
    ['an object', cursorOf({ at: '2026-03-01T10:20:30.456Z' })],
  ])('refuses %s with a field error on cursor', (_, cursor) => {
    expect(() => decodeCursor(keyset, cursor)).toThrow(
      expect.objectContaining({ errors: [{ field: 'cursor', message: expect.any(String) }] }),
    );
  });
});
