import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One row per personal API key, revoked ones kept: the hash is what a presented key is looked up by. */
@Entity({ name: 'api_keys' })
@Index('api_keys_owner', ['userId', 'createdAt'])
export class ApiKeyRow {
  @PrimaryColumn({ name: 'key_id', type: 'uuid' })
  keyId!: string;

  @Column({ name: 'user_id', type: 'text' })
  userId!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The first characters of the key, to recognise it in a list; never enough to use it. */
  @Column({ type: 'text' })
  prefix!: string;

  /** SHA-256 of the whole key, hex. */
  @Index('api_keys_secret_hash', { unique: true })
  @Column({ name: 'secret_hash', type: 'text' })
  secretHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Null for a key that lasts until revoked; from this instant on it authenticates nobody. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
