import { ApiProperty } from '@nestjs/swagger';
import { isSystemAccount } from '@ops/domain';
import type { HostRead } from '@ops/read-models';

export class HostView {
  @ApiProperty({ example: 'web-01' }) host_id!: string;
  @ApiProperty({ example: 'web-01.example.com' }) name!: string;
  @ApiProperty({ format: 'date-time' }) registered_at!: string;
  @ApiProperty() registered_by!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) inventory_taken_at!: string | null;
  /** Accounts of people on the host that nobody manages through ops-center: drift to look at. */
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'Accounts on the host nobody manages here (drift); null: no inventory yet',
  })
  unmanaged_accounts!: string[] | null;
  /** Managed accounts the host's inventory does not show (removed by hand, or not applied yet). */
  @ApiProperty({
    type: [String],
    nullable: true,
    description: "Managed accounts the host's inventory does not show; null: no inventory yet",
  })
  missing_accounts!: string[] | null;
  /** The groups and login shells the host has, which account changes are checked against; null: not reported. */
  @ApiProperty({ type: [String], nullable: true }) groups!: string[] | null;
  @ApiProperty({ type: [String], nullable: true }) shells!: string[] | null;
}

export function hostView({ host, managedUsernames: managed }: HostRead): HostView {
  const inventory = host.inventory;
  return {
    host_id: host.hostId,
    name: host.name,
    registered_at: host.registeredAt.toISOString(),
    registered_by: host.registeredBy,
    inventory_taken_at: host.inventoryTakenAt?.toISOString() ?? null,
    unmanaged_accounts: inventory
      ? inventory
          .filter((account) => !isSystemAccount(account) && !managed.has(account.username))
          .map((account) => account.username)
      : null,
    missing_accounts: inventory
      ? [...managed].filter((username) => !inventory.some((account) => account.username === username))
      : null,
    groups: host.inventoryGroups,
    shells: host.inventoryShells,
  };
}

export class HostRegisteredView {
  @ApiProperty() host_id!: string;
  @ApiProperty() name!: string;
  /** False when the same registration was already recorded. */
  @ApiProperty() changed!: boolean;
}
