import { tokenLifetimeProblem } from './token-lifetime';

const NOW = 1_800_000_000;
const DAY = 86_400;

describe('tokenLifetimeProblem', () => {
  it('accepts a token issued now for at most the maximum', () => {
    expect(tokenLifetimeProblem({ iat: NOW, exp: NOW + DAY }, NOW, DAY)).toBeNull();
  });

  it.each([undefined, null, '1800003600', Number.NaN])('refuses exp %j', (exp) => {
    expect(tokenLifetimeProblem({ iat: NOW, exp }, NOW, DAY)).toMatch(/no expiry/);
  });

  it('refuses a lifetime over the maximum, even when most of it has passed', () => {
    expect(tokenLifetimeProblem({ iat: NOW - 2 * DAY, exp: NOW + 60 }, NOW, DAY)).toMatch(/exceeds/);
  });

  it('judges a token without iat by its exp from now', () => {
    expect(tokenLifetimeProblem({ exp: NOW + DAY }, NOW, DAY)).toBeNull();
    expect(tokenLifetimeProblem({ exp: NOW + DAY + 1 }, NOW, DAY)).toMatch(/exceeds/);
  });

  it('does not let a future iat stretch the lifetime', () => {
    expect(tokenLifetimeProblem({ iat: NOW + 365 * DAY, exp: NOW + 365 * DAY + 60 }, NOW, DAY)).toMatch(
      /exceeds/,
    );
  });
});
