import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('writes what a jsonb round trip gives back the same way as the original', () => {
    const original = {
      amount: '10',
      big: 1e21,
      small: 1e-7,
      nested: { k: [1, undefined, 3] },
      skip: undefined,
    };
    const roundTripped = JSON.parse(JSON.stringify(original)) as unknown;
    expect(canonicalJson(roundTripped)).toBe(canonicalJson(original));
    expect(canonicalJson(original)).toBe(
      '{"amount":"10","big":1e+21,"nested":{"k":[1,null,3]},"small":1e-7}',
    );
  });

  it('follows JSON for dates, holes and strings that need escaping', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(canonicalJson([1, , 'é"\n'])).toBe('[1,null,"é\\"\\n"]');
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.000Z') })).toBe(
      '{"at":"2026-01-02T03:04:05.000Z"}',
    );
  });

  it('refuses a top-level value JSON cannot write', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});
