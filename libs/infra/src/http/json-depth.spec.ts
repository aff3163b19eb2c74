import { exceedsJsonDepth } from './json-depth';

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('exceedsJsonDepth', () => {
  it('counts objects and arrays alike, up to the limit included', () => {
    expect(exceedsJsonDepth(nested(3), 3)).toBe(false);
    expect(exceedsJsonDepth(nested(4), 3)).toBe(true);
    expect(exceedsJsonDepth('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":[{"b":{}}]}', 3)).toBe(true);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(JSON.stringify({ text: '[[[[{{{{' }), 1)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ text: 'say \\"[[[[\\"' }), 1)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify(['"', ['x']]), 1)).toBe(true);
  });

  it('measures depth, not the number of siblings', () => {
    expect(exceedsJsonDepth(JSON.stringify(Array.from({ length: 10_000 }, () => [1])), 2)).toBe(false);
  });

  it('finds 10,000 levels at once', () => {
    expect(exceedsJsonDepth(nested(10_000), 64)).toBe(true);
  });
});
