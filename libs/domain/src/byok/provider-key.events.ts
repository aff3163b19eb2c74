import type { SealedField } from '../privacy/sealed-field';
import type { DomainEvent } from '../shared/decider';

/**
 * A user's key for one provider, replacing any earlier one. The key and the label (free text the
 * user wrote) are sealed under the user's data key; only the last four characters stay readable.
 * `validatedAt` is when the provider accepted the key, null when it could not be reached to ask.
 */
export type ProviderKeyAdded = DomainEvent<
  'ProviderKeyAdded',
  {
    userId: string;
    provider: string;
    sealedKey: SealedField;
    last4: string;
    sealedLabel: SealedField | null;
    validatedAt: string | null;
  }
>;

export type ProviderKeyRemoved = DomainEvent<'ProviderKeyRemoved', { userId: string; provider: string }>;

export type ProviderKeyEvent = ProviderKeyAdded | ProviderKeyRemoved;

export const PROVIDER_KEY_SCHEMA_VERSIONS: Record<ProviderKeyEvent['type'], number> = {
  ProviderKeyAdded: 1,
  ProviderKeyRemoved: 1,
};

export const PROVIDER_KEY_EVENT_TYPES = Object.keys(
  PROVIDER_KEY_SCHEMA_VERSIONS,
) as readonly ProviderKeyEvent['type'][];
