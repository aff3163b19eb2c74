import type { AgentKeys } from '@ops/infra/host-trust/agent-keys';
import { openForHost } from '@ops/infra/host-trust/host-seal';
import type { SecretOpener } from '../converge/secret-opener';

/** Password hashes arrive sealed to this host's X25519 key: only its private key opens them. */
export function hostSecretOpener(keys: AgentKeys): SecretOpener {
  return (secret, owner) => openForHost(secret, keys.sealing.privateKey, owner);
}
