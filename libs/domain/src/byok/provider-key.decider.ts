import { findProvider, parseProviderId, type ProviderInfo } from '../llm/providers';
import type { SealedField } from '../privacy/sealed-field';
import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { assertValidUserId } from '../shared/user-id';
import type { AddProviderKey, ProviderKeyCommand, RemoveProviderKey } from './provider-key.commands';
import type { ProviderKeyEvent } from './provider-key.events';

export interface ProviderKeysState {
  /** Providers the user holds a key for (one key per provider). */
  readonly providers: ReadonlySet<string>;
}

/** The provider a user may bring a key for: a known one that does not run on the platform's own machines. */
export function parseByokProvider(value: unknown, field = 'provider'): ProviderInfo {
  const info = findProvider(parseProviderId(value, field));
  if (!info || info.local) {
    throw new DomainError(
      'invalid',
      `provider ${String(value)} runs on the platform and takes no key`,
      field,
    );
  }
  return info;
}

function assertSealedFor(userId: string, field: SealedField | null, name: string): void {
  if (field !== null && field.subject !== userId) {
    throw new DomainError('invalid', `${name} must be sealed for ${userId}`, name);
  }
}

function decideAdd(command: AddProviderKey): ProviderKeyEvent[] {
  assertValidUserId(command.userId);
  const provider = parseByokProvider(command.provider).id;
  assertSealedFor(command.userId, command.sealedKey, 'api_key');
  assertSealedFor(command.userId, command.sealedLabel, 'label');
  if ([...command.last4].length !== 4) {
    throw new DomainError('invalid', 'last4 must be the last four characters of the key', 'api_key');
  }
  return [
    {
      type: 'ProviderKeyAdded',
      data: {
        userId: command.userId,
        provider,
        sealedKey: command.sealedKey,
        last4: command.last4,
        sealedLabel: command.sealedLabel,
        validatedAt: command.validatedAt,
      },
    },
  ];
}

function decideRemove(command: RemoveProviderKey, state: ProviderKeysState): ProviderKeyEvent[] {
  assertValidUserId(command.userId);
  const provider = parseProviderId(command.provider);
  if (!state.providers.has(provider)) {
    throw new DomainError('not_found', `no key for ${provider} is stored`, 'provider');
  }
  return [{ type: 'ProviderKeyRemoved', data: { userId: command.userId, provider } }];
}

export const providerKeysDecider: Decider<ProviderKeyCommand, ProviderKeyEvent, ProviderKeysState> = {
  initialState: { providers: new Set() },
  decide(command, state) {
    switch (command.type) {
      case 'AddProviderKey':
        return decideAdd(command);
      case 'RemoveProviderKey':
        return decideRemove(command, state);
    }
  },
  evolve(state, event) {
    const providers = new Set(state.providers);
    switch (event.type) {
      case 'ProviderKeyAdded':
        providers.add(event.data.provider);
        break;
      case 'ProviderKeyRemoved':
        providers.delete(event.data.provider);
        break;
    }
    return { providers };
  },
};
