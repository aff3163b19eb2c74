import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes what needs quoting and defuses spreadsheet formulas, but not negative amounts', () => {
    const csv = toCsv(
      ['a', 'b', 'c'],
      [
        { a: 'plain', b: 'with, comma', c: 'say "hi"' },
        { a: '=HYPERLINK("x")', b: '-5000', c: null },
      ],
    );
    expect(csv).toBe('a,b,c\r\nplain,"with, comma","say ""hi"""\r\n"\'=HYPERLINK(""x"")",-5000,\r\n');
  });
});
