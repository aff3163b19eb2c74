import { refusal } from '../local-users/testing';
import { fold } from '../shared/decider';
import { isDisplayPrefix, isSha256Hex } from './api-key-format';
import type { ApiKeyCommand, IssueApiKey } from './api-key.commands';
import {
  activeKeyCount,
  apiKeyDecider,
  isExpired,
  MAX_ACTIVE_API_KEYS,
  MAX_API_KEY_LIFETIME_DAYS,
  type ApiKeyState,
} from './api-key.decider';
import type { ApiKeyEvent } from './api-key.events';
import { apiKeyStream } from './api-key.stream';

const NOW = '2026-12-01T10:00:00.000Z';
const keyId = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const issue = (n: number, overrides: Partial<IssueApiKey> = {}): IssueApiKey => ({
  type: 'IssueApiKey',
  userId: 'alice',
  keyId: keyId(n),
  name: `key ${n}`,
  prefix: 'sk-ops-AbC_1',
  secretHash: 'ab'.repeat(32),
  expiresAt: null,
  issuedAt: NOW,
  ...overrides,
});
const revoke = (n: number): ApiKeyCommand => ({ type: 'RevokeApiKey', userId: 'alice', keyId: keyId(n) });

function run(commands: readonly ApiKeyCommand[]): { state: ApiKeyState; events: ApiKeyEvent[] } {
  const events: ApiKeyEvent[] = [];
  for (const command of commands) events.push(...apiKeyDecider.decide(command, fold(apiKeyDecider, events)));
  return { state: fold(apiKeyDecider, events), events };
}

describe('API key decider', () => {
  it('names its stream by user id', () => {
    expect(apiKeyStream('alice')).toBe('api-keys-alice');
  });

  it('issues a key as one event carrying the prefix and the hash, with the name trimmed', () => {
    expect(apiKeyDecider.decide(issue(1, { name: '  laptop ' }), apiKeyDecider.initialState)).toEqual([
      {
        type: 'ApiKeyIssued',
        data: {
          userId: 'alice',
          keyId: keyId(1),
          name: 'laptop',
          prefix: 'sk-ops-AbC_1',
          secretHash: 'ab'.repeat(32),
        },
      },
    ]);
  });

  it(`allows ${MAX_ACTIVE_API_KEYS} active keys and refuses one more`, () => {
    const { state } = run(Array.from({ length: MAX_ACTIVE_API_KEYS }, (_, index) => issue(index)));
    expect(activeKeyCount(state, NOW)).toBe(MAX_ACTIVE_API_KEYS);
    const error = refusal(() => apiKeyDecider.decide(issue(99), state));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/revoke one first/);
  });

  it('frees a place when a key is revoked', () => {
    const full = Array.from({ length: MAX_ACTIVE_API_KEYS }, (_, index) => issue(index));
    const { state } = run([...full, revoke(3)]);
    expect(apiKeyDecider.decide(issue(99), state)).toHaveLength(1);
  });

  it('revokes a key once; revoking it again changes nothing', () => {
    const { events, state } = run([issue(1), revoke(1), revoke(1)]);
    expect(events.map((event) => event.type)).toEqual(['ApiKeyIssued', 'ApiKeyRevoked']);
    expect(events[1].data).toEqual({ userId: 'alice', keyId: keyId(1) });
    expect(state.keys.get(keyId(1))?.revoked).toBe(true);
    expect(activeKeyCount(state, NOW)).toBe(0);
  });

  it('records an expiry, normalised, and reads a key as expired from then on', () => {
    const [event] = apiKeyDecider.decide(
      issue(1, { expiresAt: '2026-12-31T23:00:00+01:00' }),
      apiKeyDecider.initialState,
    );
    expect(event.data).toMatchObject({ expiresAt: '2026-12-31T22:00:00.000Z' });
    const key = fold(apiKeyDecider, [event]).keys.get(keyId(1))!;
    expect(isExpired(key, '2026-12-31T21:59:59.999Z')).toBe(false);
    expect(isExpired(key, '2026-12-31T22:00:00.000Z')).toBe(true);
  });

  it.each([
    ['in the past', '2026-12-01T09:59:59.000Z'],
    ['at the issue time', NOW],
    ['not a time', 'next tuesday'],
    [`more than ${MAX_API_KEY_LIFETIME_DAYS} days ahead`, '2037-01-01T00:00:00.000Z'],
  ])('refuses an expiry %s', (_why, expiresAt) => {
    const error = refusal(() => apiKeyDecider.decide(issue(1, { expiresAt }), apiKeyDecider.initialState));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('expires_at');
  });

  it('does not count expired keys against the limit', () => {
    const soon = '2026-12-01T11:00:00.000Z';
    const { state } = run(
      Array.from({ length: MAX_ACTIVE_API_KEYS }, (_, index) => issue(index, { expiresAt: soon })),
    );
    expect(refusal(() => apiKeyDecider.decide(issue(99), state)).code).toBe('conflict');
    expect(apiKeyDecider.decide(issue(99, { issuedAt: soon }), state)).toHaveLength(1);
  });

  it('revokes every key not yet revoked at once, expired ones included, and nothing twice', () => {
    const { events, state } = run([
      issue(1),
      issue(2, { expiresAt: '2026-12-01T10:00:01.000Z' }),
      issue(3),
      revoke(3),
      { type: 'RevokeAllApiKeys', userId: 'alice' },
      { type: 'RevokeAllApiKeys', userId: 'alice' },
    ]);
    expect(events.filter((event) => event.type === 'ApiKeyRevoked').map((event) => event.data.keyId)).toEqual(
      [keyId(3), keyId(1), keyId(2)],
    );
    expect([...state.keys.values()].every((key) => key.revoked)).toBe(true);
    expect(
      apiKeyDecider.decide({ type: 'RevokeAllApiKeys', userId: 'bob' }, apiKeyDecider.initialState),
    ).toEqual([]);
  });

  it('answers not found for a key that is not in this user’s stream', () => {
    const { state } = run([issue(1)]);
    const error = refusal(() => apiKeyDecider.decide(revoke(2), state));
    expect(error.code).toBe('not_found');
    expect(error.field).toBe('id');
  });

  it('refuses to issue a key id twice', () => {
    const { state } = run([issue(1)]);
    expect(refusal(() => apiKeyDecider.decide(issue(1, { name: 'other' }), state)).code).toBe('conflict');
  });

  it.each(['', '   ', 'x'.repeat(101), 'tab\there', 'nul\u0000'])('refuses the name %j', (name) => {
    const error = refusal(() => apiKeyDecider.decide(issue(1, { name }), apiKeyDecider.initialState));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('name');
  });

  it('accepts a name of 100 characters, counted as characters, not bytes', () => {
    expect(
      apiKeyDecider.decide(issue(1, { name: '🔑'.repeat(100) }), apiKeyDecider.initialState),
    ).toHaveLength(1);
  });

  it.each(['', 'a b', '../x', 'x'.repeat(129)])('refuses the user id %j', (userId) => {
    const error = refusal(() => apiKeyDecider.decide(issue(1, { userId }), apiKeyDecider.initialState));
    expect(error.field).toBe('user_id');
  });

  it.each([
    ['a whole key as the prefix', { prefix: `sk-ops-${'a'.repeat(43)}` }],
    ['a prefix without the scheme', { prefix: 'sk-abcdefghi' }],
    ['a secret instead of a hash', { secretHash: `sk-ops-${'a'.repeat(57)}` }],
    ['an uppercase hash', { secretHash: 'AB'.repeat(32) }],
    ['a key id that is not a UUID', { keyId: 'key-1' }],
  ])('refuses, as a bug and without an event, %s', (_why, overrides) => {
    expect(() => apiKeyDecider.decide(issue(1, overrides), apiKeyDecider.initialState)).toThrow(
      /needs a lowercase UUID key id/,
    );
  });

  it('checks the shapes it records', () => {
    expect(isDisplayPrefix('sk-ops-AbC_1')).toBe(true);
    expect(isDisplayPrefix('sk-ops-AbC_12')).toBe(false);
    expect(isSha256Hex('0f'.repeat(32))).toBe(true);
    expect(isSha256Hex('0f'.repeat(31))).toBe(false);
  });
});
