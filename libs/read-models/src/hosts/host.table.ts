import type { InventoryAccount } from '@ops/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A managed server and the latest account inventory its agent reported. */
@Entity({ name: 'hosts' })
export class HostRow {
  @PrimaryColumn({ name: 'host_id', type: 'text' })
  hostId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;

  @Column({ name: 'registered_by', type: 'text' })
  registeredBy!: string;

  @Column({ type: 'jsonb', nullable: true })
  inventory!: InventoryAccount[] | null;

  @Column({ name: 'inventory_taken_at', type: 'timestamptz', nullable: true })
  inventoryTakenAt!: Date | null;

  /** The groups and login shells the host has; null until an agent reports them. */
  @Column({ name: 'inventory_groups', type: 'text', array: true, nullable: true })
  inventoryGroups!: string[] | null;

  @Column({ name: 'inventory_shells', type: 'text', array: true, nullable: true })
  inventoryShells!: string[] | null;
}
