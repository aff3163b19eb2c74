import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportedDigestLine, FileDigestSink, readExportedDigests } from './digest-export';
import { keyIdOf } from '../../crypto/key-id';
import {
  DIGEST_FORMAT,
  digestHash,
  isSignatureValid,
  signDigest,
  type ChainedDigestPayload,
} from './stream-heads-digest';

describe('exported digests', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ops-digest-export-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const digest = (sequence: number, previous: string | null) =>
    signDigest<ChainedDigestPayload>(
      {
        format: DIGEST_FORMAT,
        digest_id: `00000000-0000-4000-8000-00000000000${sequence}`,
        sequence,
        previous_digest: previous,
        log_position: '',
        created_at: '2026-12-07T00:00:00.000Z',
        stream_count: 1,
        heads_root: 'a'.repeat(64),
        changed_count: 1,
        changed_root: 'b'.repeat(64),
        key_id: keyIdOf(publicKey),
      },
      privateKey,
    );

  it('appends one line per digest and reads back digests that still verify', async () => {
    const path = join(dir, 'digests.ndjson');
    const sink = new FileDigestSink(path);
    const first = digest(0, null);
    const second = digest(1, digestHash(first.payload));
    await sink.write(exportedDigestLine(first));
    await sink.write(exportedDigestLine(second));
    const read = await readExportedDigests(path);
    expect(read.malformed).toEqual([]);
    expect(read.digests).toEqual([first, second]);
    expect(read.digests.every((copy) => isSignatureValid(copy, publicKey))).toBe(true);
  });

  it('names the lines that hold no signed digest', async () => {
    const path = join(dir, 'damaged.ndjson');
    const { signature: _signature, ...unsigned } = JSON.parse(exportedDigestLine(digest(0, null))) as Record<
      string,
      unknown
    >;
    writeFileSync(
      path,
      `{"format":"other"}\n${JSON.stringify(unsigned)}\n{oops\n\n${exportedDigestLine(digest(1, null))}\n`,
    );
    const read = await readExportedDigests(path);
    expect(read.digests).toHaveLength(1);
    expect(read.malformed.map(({ line }) => line)).toEqual([1, 2, 3]);
  });
});
