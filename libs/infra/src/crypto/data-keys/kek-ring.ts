import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeConfig } from '../../runtime/node-config';
import type { CryptoConfig } from '../crypto-config';
import { SecretBox, type SecretKey } from '../secret-box';
import { loadOrCreateSecretFile } from '../secret-file';
import { parseKeyRing } from '../secret-keys';

export const LOCAL_KEK_FILE = 'kek-keys';

type KekConfig = Pick<CryptoConfig, 'KEK_KEYS'> & Pick<NodeConfig, 'DATA_DIR'>;

const newKek = (): string => `kek-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64')}`;

/** KEK_KEYS when set, else the ring generated once in DATA_DIR; newest last in both. */
export function loadKekKeys(config: KekConfig): SecretKey[] {
  return parseKeyRing(config.KEK_KEYS ?? loadOrCreateSecretFile(config.DATA_DIR, LOCAL_KEK_FILE, newKek));
}

/**
 * Single-node rotation: appends a freshly generated KEK to the ring kept in DATA_DIR and returns its
 * id. With KEK_KEYS the operator owns the ring (every process must get the new key before a rotation),
 * so nothing is generated here.
 */
export function addLocalKek(config: KekConfig): string {
  if (config.KEK_KEYS) throw new Error('KEK_KEYS is set: add the new key to it instead');
  const current = loadOrCreateSecretFile(config.DATA_DIR, LOCAL_KEK_FILE, newKek);
  const added = newKek();
  const path = join(config.DATA_DIR, LOCAL_KEK_FILE);
  const temporary = `${path}.${process.pid}.rotating`;
  writeFileSync(temporary, `${current},${added}`, { mode: 0o600, flag: 'w' });
  // A rename replaces the ring in one step: a reader sees the old ring or the new one, never half.
  renameSync(temporary, path);
  return added.slice(0, added.indexOf(':'));
}

/**
 * Wraps data keys with the newest key-encryption key and unwraps them with whichever KEK wrapped
 * them (SecretBox: AES-256-GCM, key id recorded). The wrapped key is bound to its subject, so a
 * wrapped key copied onto another subject's row does not unwrap.
 */
export class KekRing {
  private box: SecretBox;
  private ids: Set<string>;

  constructor(private readonly load: () => SecretKey[]) {
    [this.box, this.ids] = KekRing.build(load());
  }

  private static build(keys: SecretKey[]): [SecretBox, Set<string>] {
    // SecretBox seals with its first key; the ring is written newest last.
    return [new SecretBox([...keys].reverse()), new Set(keys.map((key) => key.id))];
  }

  get newestId(): string {
    return [...this.ids][this.ids.size - 1];
  }

  wrap(subject: string, dataKey: Buffer): { kekId: string; wrapped: string } {
    const { keyId, sealed } = this.box.seal(dataKey.toString('base64'), context(subject));
    return { kekId: keyId, wrapped: sealed };
  }

  unwrap(subject: string, kekId: string, wrapped: string): Buffer {
    // Another process may have rotated to a KEK this one has not loaded yet (the single-node ring file).
    if (!this.ids.has(kekId)) [this.box, this.ids] = KekRing.build(this.load());
    return Buffer.from(this.box.open({ keyId: kekId, sealed: wrapped }, context(subject)), 'base64');
  }
}

function context(subject: string): string {
  return `data-key:${subject}`;
}
