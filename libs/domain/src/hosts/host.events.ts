import type { DomainEvent } from '../shared/decider';
import type { InventoryAccount } from '../local-users/host-command';

export type HostRegistered = DomainEvent<'HostRegistered', { hostId: string; name: string }>;
export type HostInventoryReported = DomainEvent<
  'HostInventoryReported',
  { hostId: string; takenAt: string; accounts: InventoryAccount[] }
>;

export type HostEvent = HostRegistered | HostInventoryReported;

export const HOST_EVENT_TYPES: readonly HostEvent['type'][] = ['HostRegistered', 'HostInventoryReported'];

/** Version of each event's data shape, recorded in the envelope so old events stay readable. */
export const HOST_SCHEMA_VERSIONS: Record<HostEvent['type'], number> = {
  HostRegistered: 1,
  HostInventoryReported: 1,
};
