import type { HostInventory } from '../local-users/host-command';
import type { AgentPublicKeys } from './agent-keys';

export interface RegisterHost {
  readonly type: 'RegisterHost';
  readonly hostId: string;
  /** A human label for the admin UI. */
  readonly name: string;
  /** Without them the host is known but inert: none of its reports is trusted, no command is sent. */
  readonly agentKeys?: AgentPublicKeys | null;
}

/** An admin replaces the agent's keys (a reinstalled host, a rotation, a key that leaked). */
export interface RotateAgentKeys {
  readonly type: 'RotateAgentKeys';
  readonly hostId: string;
  readonly agentKeys: AgentPublicKeys;
}

/** The agent's periodic report of the accounts that exist on its host. */
export interface RecordInventory {
  readonly type: 'RecordInventory';
  readonly inventory: HostInventory;
}

/** Named apart from the host agent's `HostCommand`, which is a different contract. */
export type ManagedHostCommand = RegisterHost | RotateAgentKeys | RecordInventory;
