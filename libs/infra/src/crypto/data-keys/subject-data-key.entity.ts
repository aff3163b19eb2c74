import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One data key per subject (a person), wrapped by a key-encryption key. This is key storage, not a
 * projection: no event could rebuild it (the keys are random and never leave this table), and a
 * rebuild must never bring back a destroyed key. After erasure the row stays as the record that the
 * subject was erased, with the key itself gone.
 */
@Entity({ name: 'subject_data_keys' })
export class SubjectDataKeyRow {
  @PrimaryColumn({ type: 'text' })
  subject!: string;

  /** Null when the subject was erased before any key was made for it. */
  @Column({ name: 'key_id', type: 'text', nullable: true })
  keyId!: string | null;

  @Column({ name: 'wrapped_key', type: 'text', nullable: true })
  wrappedKey!: string | null;

  @Column({ name: 'kek_id', type: 'text', nullable: true })
  kekId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'destroyed_at', type: 'timestamptz', nullable: true })
  destroyedAt!: Date | null;
}
