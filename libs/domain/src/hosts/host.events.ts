import type { DomainEvent } from '../shared/decider';
import type { InventoryAccount } from '../local-users/host-command';
import type { AgentPublicKeys } from './agent-keys';

/** Version 1 had no `agentKeys`: such a host reads as registered without keys. */
export type HostRegistered = DomainEvent<
  'HostRegistered',
  { hostId: string; name: string; agentKeys?: AgentPublicKeys | null }
>;
export type HostAgentKeysRotated = DomainEvent<
  'HostAgentKeysRotated',
  { hostId: string; agentKeys: AgentPublicKeys }
>;
/** Version 1 had no `groups` or `shells`: such an inventory reads as not knowing them. */
export type HostInventoryReported = DomainEvent<
  'HostInventoryReported',
  { hostId: string; takenAt: string; accounts: InventoryAccount[]; groups?: string[]; shells?: string[] }
>;

export type HostEvent = HostRegistered | HostAgentKeysRotated | HostInventoryReported;

export const HOST_EVENT_TYPES: readonly HostEvent['type'][] = [
  'HostRegistered',
  'HostAgentKeysRotated',
  'HostInventoryReported',
];

/** Version of each event's data shape, recorded in the envelope so old events stay readable. */
export const HOST_SCHEMA_VERSIONS: Record<HostEvent['type'], number> = {
  HostRegistered: 2,
  HostAgentKeysRotated: 1,
  HostInventoryReported: 2,
};
