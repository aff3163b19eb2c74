import { refusal } from '../local-users/testing';
import type { SealedField } from '../privacy/sealed-field';
import { fold } from '../shared/decider';
import type { AddProviderKey } from './provider-key.commands';
import { providerKeysDecider } from './provider-key.decider';

const sealed = (subject = 'alice'): SealedField => ({
  v: 1,
  subject,
  key: 'dk',
  iv: 'iv',
  ct: 'ct',
  tag: 'tag',
});

const add = (overrides: Partial<AddProviderKey> = {}): AddProviderKey => ({
  type: 'AddProviderKey',
  userId: 'alice',
  provider: 'openai',
  sealedKey: sealed(),
  last4: 'wxyz',
  sealedLabel: null,
  validatedAt: '2026-11-25T10:00:00.000Z',
  ...overrides,
});

const { initialState } = providerKeysDecider;

describe('provider keys decider', () => {
  it('adds a key as one event carrying only sealed fields and the last four characters', () => {
    expect(providerKeysDecider.decide(add({ sealedLabel: sealed() }), initialState)).toEqual([
      {
        type: 'ProviderKeyAdded',
        data: {
          userId: 'alice',
          provider: 'openai',
          sealedKey: sealed(),
          last4: 'wxyz',
          sealedLabel: sealed(),
          validatedAt: '2026-11-25T10:00:00.000Z',
        },
      },
    ]);
  });

  it('keeps one key per provider: adding again replaces, removing forgets it', () => {
    const first = providerKeysDecider.decide(add(), initialState);
    const state = fold(providerKeysDecider, first);
    const replaced = providerKeysDecider.decide(add({ last4: 'abcd', validatedAt: null }), state);
    expect(replaced).toHaveLength(1);
    const removed = providerKeysDecider.decide(
      { type: 'RemoveProviderKey', userId: 'alice', provider: 'openai' },
      state,
    );
    expect(removed).toEqual([{ type: 'ProviderKeyRemoved', data: { userId: 'alice', provider: 'openai' } }]);
    expect(fold(providerKeysDecider, [...first, ...removed]).providers.size).toBe(0);
  });

  it('refuses to remove a key that is not there', () => {
    const error = refusal(() =>
      providerKeysDecider.decide(
        { type: 'RemoveProviderKey', userId: 'alice', provider: 'groq' },
        initialState,
      ),
    );
    expect(error.code).toBe('not_found');
  });

  it.each([
    ['an unknown provider', add({ provider: 'acme' }), 'provider'],
    ['a local provider', add({ provider: 'ollama' }), 'provider'],
    ['a key sealed for someone else', add({ sealedKey: sealed('bob') }), 'api_key'],
    ['a label sealed for someone else', add({ sealedLabel: sealed('bob') }), 'label'],
    ['a malformed last4', add({ last4: 'abcde' }), 'api_key'],
    ['a malformed user id', add({ userId: '../x' }), 'user_id'],
  ])('refuses %s', (_, command, field) => {
    const error = refusal(() => providerKeysDecider.decide(command, initialState));
    expect(error).toMatchObject({ code: 'invalid', field });
  });
});
