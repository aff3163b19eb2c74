import { hostDecider, hostStream, type HostEvent } from '@ops/domain';
import type { EventStore } from '@ops/infra/event-store/event-store';
import { importPublicKey } from '@ops/infra/host-trust/public-keys';
import type { KeyObject } from 'node:crypto';

/** The keys of a host's enrolled agent, parsed; null while the host has none (or is not registered). */
export interface RegisteredAgentKeys {
  signing: KeyObject;
  sealing: KeyObject;
}

/**
 * Read from the host's stream, the write side's truth, rather than a read model that may lag: a key
 * just rotated out must stop being trusted at once.
 */
export async function registeredAgentKeys(
  store: EventStore,
  hostId: string,
): Promise<RegisteredAgentKeys | null> {
  let state = hostDecider.initialState;
  for (const recorded of await store.readStream(hostStream(hostId))) {
    state = hostDecider.evolve(state, { type: recorded.type, data: recorded.data } as HostEvent);
  }
  if (!state.agentKeys) return null;
  return {
    signing: importPublicKey(state.agentKeys.signing, 'ed25519'),
    sealing: importPublicKey(state.agentKeys.sealing, 'x25519'),
  };
}
