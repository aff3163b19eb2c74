import { DomainError } from '../shared/domain-error';

/**
 * The public keys of one host's agent, each the base64 of its SPKI DER (one line, what the agent
 * prints): `signing` (Ed25519) verifies its reports, `sealing` (X25519) is what password hashes for
 * that host are sealed to.
 */
export interface AgentPublicKeys {
  readonly signing: string;
  readonly sealing: string;
}

/**
 * A 32-byte key behind the fixed SPKI header of its algorithm (RFC 8410): checking the text is
 * enough to know the kind of key without parsing it, which keeps the domain free of crypto.
 */
export const ED25519_PUBLIC_KEY_PATTERN = /^MCowBQYDK2VwAyEA[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
export const X25519_PUBLIC_KEY_PATTERN = /^MCowBQYDK2VuAyEA[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export function assertValidAgentKeys(keys: AgentPublicKeys, field = 'agent_public_keys'): void {
  if (typeof keys?.signing !== 'string' || !ED25519_PUBLIC_KEY_PATTERN.test(keys.signing)) {
    throw new DomainError(
      'invalid',
      `${field}.signing must be an Ed25519 public key (base64 SPKI DER)`,
      field,
    );
  }
  if (typeof keys.sealing !== 'string' || !X25519_PUBLIC_KEY_PATTERN.test(keys.sealing)) {
    throw new DomainError(
      'invalid',
      `${field}.sealing must be an X25519 public key (base64 SPKI DER)`,
      field,
    );
  }
}

export function sameAgentKeys(a: AgentPublicKeys | null, b: AgentPublicKeys | null): boolean {
  return a?.signing === b?.signing && a?.sealing === b?.sealing;
}
