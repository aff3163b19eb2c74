/**
 * JSON with every object's keys sorted by UTF-16 code units (RFC 8785's order) and no whitespace,
 * otherwise exactly what JSON.stringify writes: the same value always gives the same text, whatever
 * order its keys were built or stored in (jsonb reorders them). Numbers are JavaScript doubles, so an
 * integer beyond 2^53 is already rounded before it is hashed: such values belong in strings (money is).
 */
export function canonicalJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('A canonical JSON document needs a JSON value at its top');
  return text;
}

function write(value: unknown): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return write((value as { toJSON: () => unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    // Array.from visits holes too, which JSON writes as null like undefined items.
    return `[${Array.from(value as unknown[], (item) => write(item) ?? 'null').join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const member = write(object[key]);
      if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
    }
    return `{${members.join(',')}}`;
  }
  // Strings, numbers, booleans, null; undefined, functions and symbols are dropped as JSON drops them.
  return JSON.stringify(value) as string | undefined;
}
