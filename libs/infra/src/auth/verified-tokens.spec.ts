import { VerifiedTokens } from './verified-tokens';

const NOW = 1_800_000_000_000;

/** A token's shape with the given payload; the signature is never looked at here. */
function tokenWith(payload: object): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part(payload)}.signature`;
}

describe('VerifiedTokens', () => {
  const user = { id: 'alice', roles: ['user' as const] };

  it('answers for a remembered token until its exp, and forgets it from then on', () => {
    const tokens = new VerifiedTokens();
    const token = tokenWith({ sub: 'alice', exp: NOW / 1000 + 60 });
    expect(tokens.user(token, NOW)).toBeUndefined();
    tokens.remember(token, user);
    expect(tokens.user(token, NOW + 59_999)).toEqual(user);
    expect(tokens.user(token, NOW + 60_000)).toBeUndefined();
    expect(tokens.user(token, NOW)).toBeUndefined();
  });

  it('keeps nothing for a token without a numeric exp, nor for another token of the same user', () => {
    const tokens = new VerifiedTokens();
    const noExpiry = tokenWith({ sub: 'alice' });
    tokens.remember(noExpiry, user);
    expect(tokens.user(noExpiry, NOW)).toBeUndefined();
    tokens.remember(tokenWith({ sub: 'alice', exp: NOW / 1000 + 60 }), user);
    expect(tokens.user(tokenWith({ sub: 'alice', exp: NOW / 1000 + 61 }), NOW)).toBeUndefined();
  });

  it('hands out a frozen copy, so one request cannot change what the next one is given', () => {
    const tokens = new VerifiedTokens();
    const token = tokenWith({ exp: NOW / 1000 + 60 });
    const roles: ('user' | 'admin')[] = ['user'];
    tokens.remember(token, { id: 'alice', roles });
    roles.push('admin');
    const known = tokens.user(token, NOW)!;
    expect(known.roles).toEqual(['user']);
    expect(Object.isFrozen(known)).toBe(true);
  });

  it('holds at most 10,000 tokens, dropping the oldest first', () => {
    const tokens = new VerifiedTokens();
    const all = Array.from({ length: 10_001 }, (_, index) =>
      tokenWith({ sub: `u${index}`, exp: NOW / 1000 + 60 }),
    );
    for (const token of all) tokens.remember(token, user);
    expect(tokens.user(all[0], NOW)).toBeUndefined();
    expect(tokens.user(all[1], NOW)).toEqual(user);
    expect(tokens.user(all[10_000], NOW)).toEqual(user);
  });
});
