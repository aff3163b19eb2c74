import { generateKeyPairSync } from 'node:crypto';
import { parseKey } from 'sshpk';
import { DomainError } from '../shared/domain-error';

/** Runs a command that must be refused and returns the DomainError, so a spec can check code and field. */
export function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the command to be refused');
}

export type TestKeyKind = 'ed25519' | 'p256' | 'p384' | 'p521' | 'rsa2048' | 'rsa3072' | 'dsa';

/** A fresh real public key as `type base64`, in the OpenSSH form users paste. */
export function opensshPublicKey(kind: TestKeyKind): string {
  const { publicKey } = generate(kind);
  const [type, base64] = parseKey(publicKey.export({ type: 'spki', format: 'pem' }), 'pem')
    .toString('ssh')
    .split(' ');
  return `${type} ${base64}`;
}

function generate(kind: TestKeyKind): ReturnType<typeof generateKeyPairSync> {
  switch (kind) {
    case 'ed25519':
      return generateKeyPairSync('ed25519');
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'P-384' });
    case 'p521':
      return generateKeyPairSync('ec', { namedCurve: 'P-521' });
    case 'rsa2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072 });
    case 'dsa':
      return generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  }
}
