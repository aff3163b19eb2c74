import { generateKeyPairSync } from 'node:crypto';
import { keyIdOf } from '../../crypto/key-id';
import {
  compareStreamNames,
  DIGEST_FORMAT,
  HeadsRoot,
  isSignatureValid,
  signDigest,
  type DigestPayload,
} from './stream-heads-digest';

const payload = (key: string): DigestPayload => ({
  format: DIGEST_FORMAT,
  digest_id: '00000000-0000-4000-8000-000000000001',
  log_position: '00000000000000000001:00000000000000000002',
  created_at: '2026-11-25T00:00:00.000Z',
  sequence: 0,
  previous_digest: null,
  stream_count: 2,
  heads_root: 'a'.repeat(64),
  changed_count: 2,
  changed_root: 'a'.repeat(64),
  key_id: key,
});

describe('stream-heads digest', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');

  it('signs with Ed25519 and refuses any change to what was signed', () => {
    const signed = signDigest(payload(keyIdOf(publicKey)), privateKey);
    expect(isSignatureValid(signed, publicKey)).toBe(true);
    expect(isSignatureValid({ ...signed, payload: { ...signed.payload, stream_count: 3 } }, publicKey)).toBe(
      false,
    );
    expect(isSignatureValid(signed, generateKeyPairSync('ed25519').publicKey)).toBe(false);
  });

  it('roots heads in UTF-8 byte order and refuses any other order', () => {
    const heads = [
      { stream: 'b', revision: '1', hash: '1'.repeat(64) },
      { stream: 'a', revision: '0', hash: '2'.repeat(64) },
      { stream: 'ä', revision: '3', hash: '3'.repeat(64) },
    ].sort((x, y) => compareStreamNames(x.stream, y.stream));
    const root = new HeadsRoot();
    for (const head of heads) root.add(head);
    expect(root.count).toBe(3);
    expect(root.digest()).toMatch(/^[0-9a-f]{64}$/);
    const wrongOrder = new HeadsRoot();
    wrongOrder.add(heads[1]);
    expect(() => wrongOrder.add(heads[0])).toThrow(/out of order/);
  });
});
