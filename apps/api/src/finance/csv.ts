const NEEDS_QUOTES = /[",\r\n]/;
/** Spreadsheets run a cell starting with these as a formula; text cells get a leading quote. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+$/;

function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV: a header line, then one line per row, CRLF line ends. */
export function toCsv(
  columns: readonly string[],
  rows: readonly Record<string, string | number | boolean | null>[],
): string {
  const lines = [
    columns.join(','),
    ...rows.map((row) => columns.map((column) => cell(row[column])).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
