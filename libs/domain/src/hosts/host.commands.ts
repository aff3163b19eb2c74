import type { HostInventory } from '../local-users/host-command';

export interface RegisterHost {
  readonly type: 'RegisterHost';
  readonly hostId: string;
  /** A human label for the admin UI. */
  readonly name: string;
}

/** The agent's periodic report of the accounts that exist on its host. */
export interface RecordInventory {
  readonly type: 'RecordInventory';
  readonly inventory: HostInventory;
}

/** Named apart from the host agent's `HostCommand`, which is a different contract. */
export type ManagedHostCommand = RegisterHost | RecordInventory;
