import type { HostState } from '@ops/domain';
import { importPublicKey } from './public-keys';
import type { KeyObject } from 'node:crypto';

/** The keys of a host's enrolled agent, parsed; null while the host has none (or is not registered). */
export interface RegisteredAgentKeys {
  signing: KeyObject;
  sealing: KeyObject;
}

/**
 * From the host's state as folded from its stream, the write side's truth, rather than a read model
 * that may lag: a key just rotated out must stop being trusted at once.
 */
export function registeredAgentKeys(host: HostState): RegisteredAgentKeys | null {
  if (!host.agentKeys) return null;
  return {
    signing: importPublicKey(host.agentKeys.signing, 'ed25519'),
    sealing: importPublicKey(host.agentKeys.sealing, 'x25519'),
  };
}
