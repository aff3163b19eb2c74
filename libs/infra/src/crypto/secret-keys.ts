import { randomBytes } from 'node:crypto';
import type { NodeConfig } from '../runtime/node-config';
import type { CryptoConfig } from './crypto-config';
import type { SecretKey } from './secret-box';
import { loadOrCreateSecretFile } from './secret-file';

export const LOCAL_SECRETS_KEY_FILE = 'secrets-key';

export function parseKeyRing(text: string): SecretKey[] {
  return text.split(',').map((pair) => {
    const separator = pair.indexOf(':');
    return { id: pair.slice(0, separator), key: Buffer.from(pair.slice(separator + 1), 'base64') };
  });
}

/** SECRETS_KEYS when set (several processes, rotation), else one key generated once in DATA_DIR. */
export function loadSecretKeys(
  config: Pick<CryptoConfig, 'SECRETS_KEYS'> & Pick<NodeConfig, 'DATA_DIR'>,
): SecretKey[] {
  const text =
    config.SECRETS_KEYS ??
    loadOrCreateSecretFile(
      config.DATA_DIR,
      LOCAL_SECRETS_KEY_FILE,
      () => `local-1:${randomBytes(32).toString('base64')}`,
    );
  return parseKeyRing(text);
}
