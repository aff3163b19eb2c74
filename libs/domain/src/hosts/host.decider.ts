import type { Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import type { InventoryAccount } from '../local-users/host-command';
import { assertValidAgentKeys, sameAgentKeys, type AgentPublicKeys } from './agent-keys';
import type { ManagedHostCommand, RecordInventory, RegisterHost, RotateAgentKeys } from './host.commands';
import type { HostEvent } from './host.events';
import { assertValidHostId } from './host-id';
import {
  assertValidInventory,
  isSystemAccount,
  sameAccounts,
  sameNames,
  type HostCatalog,
} from './inventory';

export interface HostState {
  readonly registered: boolean;
  readonly hostId: string;
  readonly name: string;
  /** What the host's agent signs its reports with and is sealed to; null: not enrolled. */
  readonly agentKeys: AgentPublicKeys | null;
  /** The last inventory the agent reported, or null before the first report. */
  readonly inventory: {
    readonly takenAt: string;
    readonly accounts: readonly InventoryAccount[];
    /** Absent when the agent did not report them. */
    readonly groups?: readonly string[];
    readonly shells?: readonly string[];
  } | null;
}

export const MAX_HOST_NAME_LENGTH = 128;
const NAME_FORBIDDEN = /\p{C}/u;

function decideRegister(command: RegisterHost, state: HostState): HostEvent[] {
  assertValidHostId(command.hostId);
  const name = command.name.trim();
  if ([...name].length === 0 || [...name].length > MAX_HOST_NAME_LENGTH || NAME_FORBIDDEN.test(name)) {
    throw new DomainError('invalid', `name must be 1-${MAX_HOST_NAME_LENGTH} printable characters`, 'name');
  }
  const agentKeys = command.agentKeys ?? null;
  if (agentKeys) assertValidAgentKeys(agentKeys);
  if (state.registered) {
    if (state.name !== name) {
      throw new DomainError(
        'conflict',
        `host ${command.hostId} is already registered as ${state.name}`,
        'name',
      );
    }
    // Registering again must not swap keys silently: that is a rotation, which says so.
    if (agentKeys && !sameAgentKeys(state.agentKeys, agentKeys)) {
      throw new DomainError(
        'conflict',
        `host ${command.hostId} is registered with other agent keys: rotate them instead`,
        'agent_public_keys',
      );
    }
    return [];
  }
  return [{ type: 'HostRegistered', data: { hostId: command.hostId, name, agentKeys } }];
}

function decideRotate(command: RotateAgentKeys, state: HostState): HostEvent[] {
  assertValidHostId(command.hostId);
  assertValidAgentKeys(command.agentKeys);
  if (!state.registered) {
    throw new DomainError('not_found', `host ${command.hostId} is not registered`, 'host_id');
  }
  if (sameAgentKeys(state.agentKeys, command.agentKeys)) return [];
  return [{ type: 'HostAgentKeysRotated', data: { hostId: command.hostId, agentKeys: command.agentKeys } }];
}

function decideInventory(command: RecordInventory, state: HostState): HostEvent[] {
  const { inventory } = command;
  assertValidHostId(inventory.hostId);
  assertValidInventory(inventory);
  // Only registered hosts are managed: a report from an unknown agent must not create one.
  if (!state.registered) {
    throw new DomainError('not_found', `host ${inventory.hostId} is not registered`, 'host_id');
  }
  if (state.inventory !== null) {
    // A report older than the one recorded is stale, or a signed report replayed from the transport.
    if (Date.parse(inventory.takenAt) < Date.parse(state.inventory.takenAt)) return [];
    // Agents report periodically; only a change in what they report is worth an event.
    const same =
      sameAccounts(state.inventory.accounts, inventory.accounts) &&
      sameNames(state.inventory.groups, inventory.groups) &&
      sameNames(state.inventory.shells, inventory.shells);
    if (same) return [];
  }
  const { hostId, takenAt, accounts, groups, shells } = inventory;
  return [
    {
      type: 'HostInventoryReported',
      data: {
        hostId,
        takenAt,
        accounts,
        ...(groups !== undefined ? { groups } : {}),
        ...(shells !== undefined ? { shells } : {}),
      },
    },
  ];
}

export const hostDecider: Decider<ManagedHostCommand, HostEvent, HostState> = {
  initialState: { registered: false, hostId: '', name: '', agentKeys: null, inventory: null },
  decide(command, state) {
    switch (command.type) {
      case 'RegisterHost':
        return decideRegister(command, state);
      case 'RotateAgentKeys':
        return decideRotate(command, state);
      case 'RecordInventory':
        return decideInventory(command, state);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'HostRegistered':
        return {
          ...state,
          registered: true,
          hostId: event.data.hostId,
          name: event.data.name,
          agentKeys: event.data.agentKeys ?? null,
        };
      case 'HostAgentKeysRotated':
        return { ...state, agentKeys: event.data.agentKeys };
      case 'HostInventoryReported': {
        const { takenAt, accounts, groups, shells } = event.data;
        return { ...state, inventory: { takenAt, accounts, groups, shells } };
      }
    }
  },
};

/** The usernames the domain refuses to manage on this host because the system owns them. */
/**
 * The host's system accounts, from its agent's last inventory. Until the agent has reported, nobody
 * knows which accounts are the system's, so creating one is refused rather than guessed.
 */
export function systemAccounts(state: HostState): string[] {
  if (!state.inventory) {
    throw new DomainError(
      'conflict',
      `host ${state.hostId} has not reported its accounts yet: start its agent, then retry`,
      'host',
    );
  }
  return state.inventory.accounts.filter(isSystemAccount).map((account) => account.username);
}

export function hostCatalog(state: HostState): HostCatalog {
  return { groups: state.inventory?.groups ?? null, shells: state.inventory?.shells ?? null };
}

export function accountNamed(state: HostState, username: string): InventoryAccount | undefined {
  return state.inventory?.accounts.find((account) => account.username === username);
}
