import { DIGEST_STREAM, exportEventLog, verifyExportFile } from '@ops/infra/event-store/integrity';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import {
  ADAPTERS,
  events,
  named,
  startIntegrityFixture,
  untilVisible,
  type IntegrityFixture,
} from './integrity-fixture';

/**
 * Tamper evidence through the event store port: the same chain, digests, verification and export on
 * PostgreSQL and on EventStoreDB (a fake node over real gRPC; a real server is still the proof).
 */
describe.each(ADAPTERS)('tamper evidence on %s', (adapter) => {
  let fixture: IntegrityFixture;
  let streams = 0;
  const newStream = (): string => `credit-account-${adapter}-${++streams}`;

  beforeEach(async () => {
    fixture = await startIntegrityFixture({ adapter });
  });

  afterEach(async () => {
    await fixture?.close();
  });

  const sign = async () => {
    await untilVisible(fixture);
    return fixture.signer.sign({ actor: 'auditor-1', source: 'test' });
  };

  it('finds an untouched log intact, racing appends included, and signs every stream head', async () => {
    const [one, two] = [newStream(), newStream()];
    await fixture.store.append(one, events(2), 'no_stream');
    await Promise.all(Array.from({ length: 6 }, () => fixture.store.append(one, events(2), 'any')));
    await fixture.store.append(two, events(3), 'no_stream');
    const first = await sign();
    expect(first.payload).toMatchObject({ sequence: 0, stream_count: 2, changed_count: 2 });

    await fixture.store.append(two, events(1), 2n);
    const second = await sign();
    // Only what moved since the first digest: `two` and the digest stream's own first event.
    expect(second.payload).toMatchObject({ sequence: 1, stream_count: 3, changed_count: 2 });

    const report = await fixture.verifier.verify();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, events: 14 + 4 + 2, streams: 3 });
    expect(report.digest).toMatchObject({ digest_id: second.payload.digest_id, signature_valid: true });
    expect(report.digest_chain).toMatchObject({ digests_checked: 2, heads_checked: 4 });
  });

  it('names a changed field, and a removed middle event, with their stream and revision', async () => {
    const changed = newStream();
    const gapped = newStream();
    await fixture.store.append(changed, events(4), 'no_stream');
    await fixture.store.append(gapped, events(4), 'no_stream');
    await fixture.tamper.setData(changed, 2n, 'amountMicros', '999999999');
    await fixture.tamper.remove(gapped, [1n]);

    const report = await fixture.verifier.verify();
    expect(report.ok).toBe(false);
    expect(named(report.problems)).toEqual([`${changed}@2:hash_mismatch`, `${gapped}@1:missing`]);
    expect(named((await fixture.verifier.verify({ stream: changed })).problems)).toEqual([
      `${changed}@2:hash_mismatch`,
    ]);
  });

  it('catches a removed last event and a removed whole stream through the signed digest', async () => {
    const truncated = newStream();
    const removed = newStream();
    await fixture.store.append(truncated, events(3), 'no_stream');
    await fixture.store.append(removed, events(2), 'no_stream');
    await sign();
    await fixture.tamper.remove(truncated, [2n]);
    await fixture.tamper.remove(removed);

    const report = await fixture.verifier.verify();
    expect(named(report.problems)).toEqual([`${truncated}@2:missing`, `${removed}@1:missing`]);
  });

  it('exports the log with its hashes, verified offline against the digest; a forged line is named', async () => {
    const stream = newStream();
    await fixture.store.append(stream, events(3), 'no_stream');
    await fixture.store.append(newStream(), events(2), 'no_stream');
    const signed = await sign();
    const document = await fixture.signer.document(signed);
    const dir = mkdtempSync(join(tmpdir(), 'ops-either-adapter-'));
    try {
      const digestFile = join(dir, 'digest.json');
      await writeFile(digestFile, JSON.stringify(document));
      const file = join(dir, 'log.ndjson');
      const out = createWriteStream(file);
      const { trailer } = await exportEventLog(fixture.store, out, {});
      out.end();
      await finished(out);
      expect(trailer.events).toBe(6);
      const report = await verifyExportFile(file, document, fixture.key.publicKeyPem);
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, events: 6, streams: 3 });

      await fixture.tamper.setData(stream, 1n, 'reason', 'forged');
      const forgedFile = join(dir, 'forged.ndjson');
      const forgedOut = createWriteStream(forgedFile);
      await exportEventLog(fixture.store, forgedOut, { category: 'credit-account-' });
      forgedOut.end();
      await finished(forgedOut);
      expect(named((await verifyExportFile(forgedFile, document)).problems)).toEqual([
        `${stream}@1:hash_mismatch`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the digests themselves in the log, chained, and reads them back through the store', async () => {
    await fixture.store.append(newStream(), events(1), 'no_stream');
    await sign();
    await sign();
    const digests = await fixture.store.readStream(DIGEST_STREAM);
    expect(digests.map((event) => event.revision)).toEqual([0n, 1n]);
    expect(digests[1].integrity?.previousHash).toBe(digests[0].integrity?.hash);
    expect((await fixture.verifier.verify()).digest_chain).toMatchObject({ digests_checked: 2 });
  });
});
