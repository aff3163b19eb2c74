import type { SealedField } from '../privacy/sealed-field';
import { given } from '../shared/testing';
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

describe('provider keys decider', () => {
  it('adds a key as one event carrying only sealed fields and the last four characters', () => {
    given(providerKeysDecider)
      .when(add({ sealedLabel: sealed() }))
      .then([
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
    const added = providerKeysDecider.decide(add(), providerKeysDecider.initialState);
    const replaced = providerKeysDecider.decide(
      add({ last4: 'abcd', validatedAt: null }),
      providerKeysDecider.initialState,
    );
    given(providerKeysDecider, ...added)
      .when(add({ last4: 'abcd', validatedAt: null }))
      .then(replaced);
    given(providerKeysDecider, ...added)
      .when({ type: 'RemoveProviderKey', userId: 'alice', provider: 'openai' })
      .then([{ type: 'ProviderKeyRemoved', data: { userId: 'alice', provider: 'openai' } }], (state) =>
        expect(state.providers.size).toBe(0),
      );
  });

  it('refuses to remove a key that is not there', () => {
    given(providerKeysDecider)
      .when({ type: 'RemoveProviderKey', userId: 'alice', provider: 'groq' })
      .thenRefused('not_found');
  });

  it.each([
    ['an unknown provider', add({ provider: 'acme' }), 'provider'],
    ['a local provider', add({ provider: 'ollama' }), 'provider'],
    ['a key sealed for someone else', add({ sealedKey: sealed('bob') }), 'api_key'],
    ['a label sealed for someone else', add({ sealedLabel: sealed('bob') }), 'label'],
    ['a malformed last4', add({ last4: 'abcde' }), 'api_key'],
    ['a malformed user id', add({ userId: '../x' }), 'user_id'],
  ])('refuses %s', (_, command, field) => {
    given(providerKeysDecider).when(command).thenRefused('invalid', field);
  });
});
