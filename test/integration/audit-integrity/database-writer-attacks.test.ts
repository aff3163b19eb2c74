import {
  chainHash,
  contentHash,
  DigestExportError,
  DigestSigner,
  DIGEST_STREAM,
  EventLogVerifier,
  exportedDigestLine,
  FileDigestSink,
  HttpDigestSink,
  loadAuditSigningKey,
  loadTrustedKey,
  readExportedDigests,
  RecordedDigests,
  trustedKeyFromPem,
  type TrustedKey,
} from '@ops/infra/event-store/integrity';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { runAuditCommand } from '../../../apps/api/src/audit/integrity/cli/audit-commands';
import {
  events,
  named,
  startIntegrityFixture,
  untilVisible,
  type IntegrityFixture,
} from './integrity-fixture';

/**
 * Each attack is what someone with write access to the database (and, in the last ones, to DATA_DIR
 * or the signing key) can do with plain SQL and the public hashing rules.
 */
describe('tamper evidence against a database writer', () => {
  let fixture: IntegrityFixture;
  let dir: string;
  let digestsFile: string;
  const stream = 'credit-account-victim';

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ops-audit-attacks-'));
    digestsFile = join(dir, 'digests.ndjson');
    fixture = await startIntegrityFixture({ sinks: [new FileDigestSink(digestsFile)] });
  });

  afterEach(async () => {
    await fixture?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sign = async (): Promise<void> => {
    await untilVisible(fixture);
    await fixture.signer.sign({ actor: 'system', source: 'projector' });
  };

  const pinned = (): TrustedKey => trustedKeyFromPem(fixture.key.publicKeyPem);

  /** `npm run audit -- …` against the fixture's database, with the settings given. */
  const audit = async (args: string[], config: Record<string, string>) => {
    let printed = '';
    const code = await runAuditCommand(
      args,
      { out: (text) => (printed += text), err: () => undefined },
      async () => ({
        pool: fixture.pool,
        config: { DATABASE_URL: fixture.database.url, ...config } as never,
        close: async () => undefined,
      }),
    );
    return { code, report: JSON.parse(printed) as unknown };
  };

  /** What an auditor runs: the public key and the digests' copy they hold, not the database's. */
  const verifyAgainstCopy = async () =>
    new EventLogVerifier(
      fixture.store,
      fixture.pool,
      new RecordedDigests(fixture.pool, fixture.store),
      pinned(),
    ).verify({
      exported: await readExportedDigests(digestsFile),
    });

  /** Three events, a digest over them, two more, a second digest: the history an attacker rewrites. */
  const history = async (): Promise<void> => {
    await fixture.store.append(stream, events(3), 'no_stream');
    await fixture.store.append('credit-account-bystander', events(2), 'no_stream');
    await sign();
    await fixture.store.append(stream, events(2), 2n);
    await sign();
  };

  /** Rewrites an old event and re-chains its stream from there, as the append would have. */
  const forgeAndRechain = async (): Promise<void> => {
    await fixture.pool.query(
      `UPDATE events SET data = jsonb_set(data, '{amountMicros}', '"1"') WHERE stream_name = $1 AND revision = 1`,
      [stream],
    );
    await rechain(fixture.pool, stream);
  };

  it('(a) reports a stream rewritten and re-chained after an older digest signed it, though the latest digest signs the forgery', async () => {
    await history();
    await forgeAndRechain();
    // The next periodic digest signs the rewritten heads: the latest digest alone now vouches for them.
    await sign();

    const report = await fixture.verifier.verify();
    expect(report.digest).toMatchObject({ signature_valid: true });
    expect(
      report.problems.filter((problem) => problem.stream === stream && problem.problem !== 'head_mismatch'),
    ).toEqual([]);
    expect(named(report.problems)).toEqual([`${stream}@2:head_mismatch`, `${stream}@4:head_mismatch`]);
    expect(report.digest_chain).toMatchObject({ digests_checked: 3 });

    const one = await fixture.verifier.verify({ stream });
    expect(named(one.problems)).toEqual([`${stream}@2:head_mismatch`, `${stream}@4:head_mismatch`]);
  });

  it('(b) breaks the chain of digests when the digests that signed the old heads are deleted and the digest stream renumbered', async () => {
    await history();
    await forgeAndRechain();
    await sign();
    // Remove the two witnesses of the old heads and make the digest stream look whole again.
    await fixture.pool.query(`DELETE FROM audit_digest_heads WHERE sequence < 2`);
    await fixture.pool.query(`DELETE FROM events WHERE stream_name = $1 AND revision < 2`, [DIGEST_STREAM]);
    await fixture.pool.query(`UPDATE events SET revision = 0 WHERE stream_name = $1`, [DIGEST_STREAM]);
    await fixture.pool.query(`UPDATE audit_digest_heads SET sequence = 0`);
    await rechain(fixture.pool, DIGEST_STREAM);

    const report = await fixture.verifier.verify();
    expect(report.ok).toBe(false);
    const digestProblems = report.problems.filter((problem) => problem.stream === DIGEST_STREAM);
    expect(digestProblems.map((problem) => problem.detail)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/signed as digest 2 but recorded as 0/),
        expect.stringMatching(/does not chain to the digest recorded before it/),
      ]),
    );
  });

  it('(b) names a digest whose recorded heads were deleted or changed to hide a rewrite', async () => {
    await history();
    await forgeAndRechain();
    const forged = (await fixture.store.readStream(stream)).map((event) => event.integrity!.hash);
    // Make the oldest digest's head agree with the forgery, and drop the second digest's.
    await fixture.pool.query(
      `UPDATE audit_digest_heads SET hash = $2 WHERE stream_name = $1 AND sequence = 0`,
      [stream, forged[2]],
    );
    await fixture.pool.query(`DELETE FROM audit_digest_heads WHERE stream_name = $1 AND sequence = 1`, [
      stream,
    ]);

    const report = await fixture.verifier.verify();
    expect(named(report.problems)).toEqual(
      expect.arrayContaining([`${DIGEST_STREAM}@0:digest_invalid`, `${DIGEST_STREAM}@1:digest_invalid`]),
    );
    expect(report.problems.find((problem) => problem.revision === '0')?.detail).toMatch(
      /heads recorded for it are not the ones it signed/,
    );
  });

  it('(c) refuses digests re-signed with a key planted in DATA_DIR: the pinned public key and the exported copy win', async () => {
    await history();
    const honestKeyFile = join(dir, 'audit-public.pem');
    writeFileSync(honestKeyFile, fixture.key.publicKeyPem);
    await expect(readExportedDigests(digestsFile)).resolves.toMatchObject({
      digests: [{}, {}],
      malformed: [],
    });

    // The attacker rewrites history, wipes every digest, plants a key of their own and signs afresh.
    await forgeAndRechain();
    await fixture.pool.query('DELETE FROM audit_digest_heads');
    await fixture.pool.query('DELETE FROM events WHERE stream_name = $1', [DIGEST_STREAM]);
    const planted = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(fixture.dataDir, 'audit-signing-key.pem'), planted, { mode: 0o600 });
    const plantedKey = loadAuditSigningKey({ DATA_DIR: fixture.dataDir });
    expect(plantedKey.keyId).not.toBe(fixture.key.keyId);
    const forger = new DigestSigner(fixture.pool, fixture.store, plantedKey);
    await untilVisible(fixture);
    await forger.sign({ actor: 'system', source: 'projector' });
    await forger.sign({ actor: 'system', source: 'projector' });

    // Trusting whatever key sits beside the data (the old setup), the forgery passes.
    const recorded = new RecordedDigests(fixture.pool, fixture.store);
    const besideTheData = loadTrustedKey({}, () => loadAuditSigningKey({ DATA_DIR: fixture.dataDir }));
    expect(
      (await new EventLogVerifier(fixture.store, fixture.pool, recorded, besideTheData).verify()).ok,
    ).toBe(true);

    // The public key configured apart refuses every digest.
    const report = await new EventLogVerifier(fixture.store, fixture.pool, recorded, pinned()).verify();
    expect(report.ok).toBe(false);
    expect(named(report.problems)).toEqual([
      `${DIGEST_STREAM}@0:digest_invalid`,
      `${DIGEST_STREAM}@1:digest_invalid`,
    ]);
    expect(report.problems[0].detail).toMatch(/not the trusted key/);

    // The exported copy wins even over the planted key: neither digest is the one exported.
    const againstCopy = await new EventLogVerifier(
      fixture.store,
      fixture.pool,
      recorded,
      besideTheData,
    ).verify({
      exported: await readExportedDigests(digestsFile),
    });
    expect(againstCopy.ok).toBe(false);
    expect(againstCopy.problems.map((problem) => problem.detail)).toEqual(
      expect.arrayContaining([
        'it is not the digest 0 exported when it was signed',
        'it is not the digest 1 exported when it was signed',
      ]),
    );

    // `npm run audit -- verify` with the key and the copy kept elsewhere exits 1.
    const cli = await audit(['verify', '--public-key', honestKeyFile, '--digests', digestsFile], {
      DATA_DIR: fixture.dataDir,
    });
    expect(cli).toMatchObject({ code: 1, report: { ok: false, digest_chain: { key_pinned: true } } });

    // A signer whose key is not the pinned one signs nothing.
    const pinnedForger = new DigestSigner(fixture.pool, fixture.store, plantedKey, { trusted: pinned() });
    await expect(pinnedForger.sign({ actor: 'system', source: 'projector' })).rejects.toThrow(
      /refusing to sign/,
    );
  });

  it('(b) catches a wiped digest history, signed afresh by the system over the rewrite, against the exported copy', async () => {
    await history();
    await forgeAndRechain();
    await fixture.pool.query('DELETE FROM audit_digest_heads');
    await fixture.pool.query('DELETE FROM events WHERE stream_name = $1', [DIGEST_STREAM]);
    // The next periodic digest starts a new chain over the forged heads, and is copied out like any other.
    await sign();

    // The database alone holds nothing that remembers the old digests.
    expect((await fixture.verifier.verify()).ok).toBe(true);
    const report = await verifyAgainstCopy();
    const exported = await readExportedDigests(digestsFile);
    expect(report.problems.map((problem) => problem.detail)).toEqual(
      expect.arrayContaining([
        'it is not the digest 0 exported when it was signed',
        `digest 1 (${exported.digests[1].payload.digest_id}) was exported when it was signed but is not in the log`,
        'two different digests 0 were exported: the digests were removed and signed afresh',
      ]),
    );
  });

  it('(b) shows a deleted latest digest only against the exported copy', async () => {
    await history();
    await fixture.pool.query('DELETE FROM audit_digest_heads WHERE sequence = 1');
    await fixture.pool.query('DELETE FROM events WHERE stream_name = $1 AND revision = 1', [DIGEST_STREAM]);

    expect((await fixture.verifier.verify()).ok).toBe(true);
    const report = await verifyAgainstCopy();
    expect(named(report.problems)).toEqual([`${DIGEST_STREAM}@1:missing`]);
    expect(report.digest_chain.exported).toEqual({ digests: 2, matched: 1, not_exported: 0 });
  });

  it('finds an untouched history intact against the pinned key and the exported copy, through the CLI too', async () => {
    await history();
    await sign();
    const report = await verifyAgainstCopy();
    expect(report.problems).toEqual([]);
    expect(report.digest_chain).toEqual({
      digests_checked: 3,
      heads_checked: expect.any(Number),
      key_id: fixture.key.keyId,
      key_pinned: true,
      exported: { digests: 3, matched: 3, not_exported: 0 },
    });
    const keyFile = join(dir, 'audit-public.pem');
    writeFileSync(keyFile, fixture.key.publicKeyPem);
    // The configured key and copy, with no signing key anywhere in reach.
    const cli = await audit(['verify'], {
      DATA_DIR: join(dir, 'elsewhere'),
      AUDIT_PUBLIC_KEY_FILE: keyFile,
      AUDIT_DIGEST_EXPORT_FILE: digestsFile,
    });
    expect(cli).toMatchObject({
      code: 0,
      report: { ok: true, digest_chain: { key_pinned: true, exported: { matched: 3 } } },
    });
  });

  describe('copying each digest out as it is signed', () => {
    let server: Server;
    let received: Array<{ body: string; authorization?: string }>;
    let status: number;
    let url: string;

    beforeEach(async () => {
      received = [];
      status = 201;
      server = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString()));
        request.on('end', () => {
          received.push({ body, authorization: request.headers.authorization });
          response.writeHead(status).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/digests`;
    });

    afterEach(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('appends each digest to the file and POSTs it to the endpoint, with its token', async () => {
      const signer = new DigestSigner(fixture.pool, fixture.store, fixture.key, {
        sinks: [new FileDigestSink(digestsFile), new HttpDigestSink(url, 's3cret', 5_000)],
      });
      await fixture.store.append(stream, events(2), 'no_stream');
      await untilVisible(fixture);
      const first = await signer.sign({ actor: 'system', source: 'test' });
      const second = await signer.sign({ actor: 'system', source: 'test' });
      expect(second.payload).toMatchObject({ sequence: 1, changed_count: 1 });
      expect(readFileSync(digestsFile, 'utf8')).toBe(
        `${exportedDigestLine(first)}\n${exportedDigestLine(second)}\n`,
      );
      expect(received).toEqual([
        { body: exportedDigestLine(first), authorization: 'Bearer s3cret' },
        { body: exportedDigestLine(second), authorization: 'Bearer s3cret' },
      ]);
    });

    it('says so when the endpoint refuses a copy, and the recorded digest still chains', async () => {
      status = 503;
      const signer = new DigestSigner(fixture.pool, fixture.store, fixture.key, {
        sinks: [new HttpDigestSink(url, undefined, 5_000)],
      });
      await expect(signer.sign({ actor: 'system', source: 'test' })).rejects.toThrow(DigestExportError);
      await expect(signer.sign({ actor: 'system', source: 'test' })).rejects.toThrow(/answered 503/);
      expect((await new RecordedDigests(fixture.pool, fixture.store).latest())?.payload).toMatchObject({
        sequence: 1,
      });
      expect((await fixture.verifier.verify()).ok).toBe(true);
    });
  });
});

/** Recomputes a stream's hash chain from its stored content, in revision order. */
async function rechain(pool: Pool, stream: string): Promise<void> {
  const { rows } = await pool.query<{
    revision: string;
    event_id: string;
    type: string;
    schema_version: number;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  }>(
    `SELECT revision::text AS revision, event_id::text AS event_id, type, schema_version, data, metadata
       FROM events WHERE stream_name = $1 ORDER BY revision`,
    [stream],
  );
  let previous: string | null = null;
  for (const row of rows) {
    const content = {
      id: row.event_id,
      type: row.type,
      schemaVersion: row.schema_version,
      data: row.data,
      metadata: row.metadata,
    };
    const hash = chainHash(previous, contentHash(content), stream, row.revision);
    await pool.query(
      "UPDATE events SET previous_hash = decode($3, 'hex'), hash = decode($4, 'hex') WHERE stream_name = $1 AND revision = $2",
      [stream, row.revision, previous, hash],
    );
    previous = hash;
  }
}
