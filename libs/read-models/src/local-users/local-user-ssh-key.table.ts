import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'local_user_ssh_keys' })
export class LocalUserSshKeyRow {
  @PrimaryColumn({ name: 'host_id', type: 'text' })
  hostId!: string;

  @PrimaryColumn({ type: 'text' })
  username!: string;

  @PrimaryColumn({ type: 'text' })
  fingerprint!: string;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'integer' })
  bits!: number;

  @Column({ type: 'text' })
  comment!: string;

  @Column({ type: 'text' })
  options!: string;

  @Column({ name: 'added_at', type: 'timestamptz' })
  addedAt!: Date;

  @Column({ name: 'added_by', type: 'text' })
  addedBy!: string;
}
