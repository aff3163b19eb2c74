import {
  exportEventLog,
  replayExportFile,
  verifyExportFile,
  type DigestDocument,
} from '@ops/infra/event-store/integrity';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { generateKeyPairSync } from 'node:crypto';
import { runAuditCommand } from '../../../apps/api/src/audit/integrity/cli/audit-commands';
import { BUILD_TIMEOUT_MS, buildIfStale, runCli } from '../../support/cli';
import {
  events,
  named,
  startIntegrityFixture,
  untilVisible,
  type IntegrityFixture,
} from './integrity-fixture';

/** `npm run audit -- …`; no DATABASE_URL: offline commands must not need one. */
const runAudit = (args: string[]) => runCli('audit', args);

describe('export, offline verification and replay', () => {
  let fixture: IntegrityFixture;
  let dir: string;
  let exportFile: string;
  let digestFile: string;
  let digest: DigestDocument;
  const output = { out: () => undefined, err: () => undefined };

  beforeAll(async () => {
    await buildIfStale();
    fixture = await startIntegrityFixture();
    dir = mkdtempSync(join(tmpdir(), 'ops-audit-export-'));
    for (let user = 0; user < 5; user++) {
      await fixture.store.append(`credit-account-user${user}`, events(4), 'no_stream');
      await fixture.store.append(`local-user-local/user${user}`, events(2), 'no_stream');
    }
    await untilVisible(fixture);
    digestFile = join(dir, 'digest.json');
    exportFile = join(dir, 'log.ndjson');
    const open = async () => ({
      pool: fixture.pool,
      config: { ...fixture.key, DATA_DIR: fixture.dataDir, DATABASE_URL: fixture.database.url } as never,
      close: async () => undefined,
    });
    expect(await runAuditCommand(['digest', '--out', digestFile], output, open)).toBe(0);
    await untilVisible(fixture);
    expect(await runAuditCommand(['export', '--out', exportFile], output, open)).toBe(0);
    digest = JSON.parse(readFileSync(digestFile, 'utf8')) as DigestDocument;
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await fixture?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  type Line = Record<string, unknown>;
  const isEvent = (line: Line, stream: string, revision: string): boolean =>
    line.stream === stream && line.revision === revision;
  const rewrite = (transform: (lines: Line[]) => Line[]): string => {
    const path = join(dir, `tampered-${Math.random().toString(36).slice(2)}.ndjson`);
    const lines = readFileSync(exportFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((text) => JSON.parse(text) as Line);
    writeFileSync(
      path,
      `${transform(lines)
        .map((line) => JSON.stringify(line))
        .join('\n')}\n`,
    );
    return path;
  };

  it('exports every event with its hashes and verifies it offline against the signed digest', async () => {
    const report = await verifyExportFile(exportFile, digest, fixture.key.publicKeyPem);
    expect(report.problems).toEqual([]);
    // 30 events in 10 streams, and the digest's own event (signed after the heads it covers).
    expect(report).toMatchObject({ ok: true, events: 31, streams: 11 });
    expect(report.digest).toMatchObject({ signature_valid: true, key_pinned: true, heads_checked: 10 });
  });

  it('names a changed event, a removed last event and a truncated file', async () => {
    const changed = rewrite((lines) =>
      lines.map((line) =>
        isEvent(line, 'credit-account-user1', '2')
          ? { ...line, data: { ...(line.data as Line), reason: 'forged' } }
          : line,
      ),
    );
    expect(named((await verifyExportFile(changed, digest)).problems)).toEqual([
      'credit-account-user1@2:hash_mismatch',
    ]);

    const lastRemoved = rewrite((lines) =>
      lines
        .filter((line) => !isEvent(line, 'credit-account-user3', '3'))
        .map((line) => (line.end === true ? { end: true, events: 30 } : line)),
    );
    expect(named((await verifyExportFile(lastRemoved, digest)).problems)).toEqual([
      'credit-account-user3@3:missing',
    ]);

    const truncated = rewrite((lines) => lines.slice(0, -3));
    // The trailer and the last stream (two events) are gone: the file says so, and so does that head.
    expect(named((await verifyExportFile(truncated, digest)).problems)).toEqual([
      '(file)@30:malformed',
      'local-user-local/user4@1:missing',
    ]);
  });

  it('refuses a digest signed by another key than the pinned one', async () => {
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const report = await verifyExportFile(exportFile, digest, other);
    expect(report.ok).toBe(false);
    expect(report.digest?.signature_valid).toBe(false);
  });

  it('streams the export with back-pressure: a stalled file holds the reader at one batch', async () => {
    await fixture.store.append('credit-account-bulk', events(12_000), 'no_stream');
    await untilVisible(fixture);
    const chunks: number[] = [];
    const held: Array<() => void> = [];
    let stalling = true;
    const stalled = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.length);
        if (stalling && chunks.length >= 2) held.push(() => callback());
        else callback();
      },
    });
    const release = (): void => {
      stalling = false;
      for (const callback of held.splice(0)) callback();
    };
    const exporting = exportEventLog(fixture.store, stalled, {});
    // The header and the first batch of 5,000 lines (however long a loaded machine takes to write them);
    // then, however long the file stays stalled, the cursor fetches no more.
    for (let waited = 0; chunks.length < 2 && waited < 20_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const whileStalled = chunks.length;
    release();
    expect(whileStalled).toBe(2);
    const { trailer } = await exporting;
    expect(trailer.events).toBe(12_031);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
  });

  it('exports one category or one stream, and replays a file into per-category figures', async () => {
    const path = join(dir, 'category.ndjson');
    const out = createWriteStream(path);
    const { trailer } = await exportEventLog(fixture.store, out, { category: 'local-user-' });
    out.end();
    await finished(out);
    expect(trailer.events).toBe(10);
    const report = await verifyExportFile(path, digest);
    expect(report.ok).toBe(true);
    expect(report.digest?.heads_checked).toBe(5);

    const summary = await replayExportFile(exportFile);
    expect(
      summary.categories.map(({ category, streams, events: count }) => [category, streams, count]),
    ).toEqual([
      ['audit-digests', 1, 1],
      ['credit-account-', 5, 20],
      ['local-user-', 5, 10],
    ]);
  });

  it('runs as `npm run audit`: offline verify-file exits 0 when intact, 1 when tampered, 2 on bad usage', async () => {
    const keyFile = join(dir, 'public.pem');
    writeFileSync(keyFile, fixture.key.publicKeyPem);
    const intact = await runAudit([
      'verify-file',
      exportFile,
      '--digest',
      digestFile,
      '--public-key',
      keyFile,
    ]);
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ ok: true, events: 31 });

    const tampered = rewrite((lines) =>
      lines.map((line, index) =>
        index === 3 ? { ...line, metadata: { ...(line.metadata as Line), actor: 'mallory' } } : line,
      ),
    );
    const failed = await runAudit(['verify-file', tampered, '--digest', digestFile]);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).problems[0]).toMatchObject({ problem: 'hash_mismatch' });

    expect((await runAudit(['export'])).code).toBe(2);
  });
});
