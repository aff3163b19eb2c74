import type { SealedField } from '@ops/domain/privacy';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ProviderKeyStatus = 'valid' | 'unverified' | 'erased';

/**
 * A user's own key for one provider, masked: only its last four characters are readable here. The
 * key and its label stay sealed under the user's data key; the gateway opens the key per request.
 */
@Entity({ name: 'provider_keys' })
export class ProviderKeyRow {
  @PrimaryColumn({ name: 'user_id', type: 'text' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  provider!: string;

  /** Null once the user's personal data was erased. */
  @Column({ name: 'sealed_key', type: 'jsonb', nullable: true })
  sealedKey!: SealedField | null;

  @Column({ name: 'sealed_label', type: 'jsonb', nullable: true })
  sealedLabel!: SealedField | null;

  @Column({ type: 'text' })
  last4!: string;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;

  /** When the provider last accepted the key; null when it could not be reached to ask. */
  @Column({ name: 'validated_at', type: 'timestamptz', nullable: true })
  validatedAt!: Date | null;

  @Column({ type: 'text' })
  status!: ProviderKeyStatus;
}
