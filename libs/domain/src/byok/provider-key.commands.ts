import type { SealedField } from '../privacy/sealed-field';

/** The plain key never reaches the domain: it arrives sealed, with its last four characters. */
export interface AddProviderKey {
  readonly type: 'AddProviderKey';
  readonly userId: string;
  readonly provider: string;
  readonly sealedKey: SealedField;
  readonly last4: string;
  readonly sealedLabel: SealedField | null;
  readonly validatedAt: string | null;
}

export interface RemoveProviderKey {
  readonly type: 'RemoveProviderKey';
  readonly userId: string;
  readonly provider: string;
}

export type ProviderKeyCommand = AddProviderKey | RemoveProviderKey;
