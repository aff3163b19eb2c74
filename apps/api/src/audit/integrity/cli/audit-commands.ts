import { createEventStore } from '@ops/infra/event-store/create-event-store';
import type { EventStore } from '@ops/infra/event-store/event-store';
import {
  digestSinks,
  EventLogVerifier,
  exportEventLog,
  loadAuditSigningKey,
  loadTrustedKey,
  readExportedDigests,
  replayExportFile,
  DigestSigner,
  RecordedDigests,
  trustedKeyFromPem,
  verifyExportFile,
  type DigestDocument,
  type ExportFilter,
  type TrustedKey,
} from '@ops/infra/event-store/integrity';
import type { AppConfig } from '@ops/infra/config/app-config';
import { EXIT_FAILED, EXIT_OK, UsageError } from '@ops/infra/runtime/cli-runner';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';

export const USAGE = `Usage: npm run audit -- <command> [--data-dir <dir>]
  export --out FILE [--stream S] [--category C] [--from ISO] [--to ISO]
                          events (grouped by stream) up to now as NDJSON with their hashes
  verify [--stream S] [--public-key PEM] [--digests DIGESTS.ndjson]
                          every hash chain and every signed digest, in the database; with the
                          public key kept apart (else AUDIT_PUBLIC_KEY) and the digests as exported
                          when signed (AUDIT_DIGEST_EXPORT_FILE), which win over the database's
  verify-file FILE [--digest DIGEST.json] [--public-key PEM]
                          offline: the chains in an export, and its heads against a digest
  replay FILE             folds an export: streams, events and event types per category
  digest --out FILE       signs a digest of every stream head now and writes it (keep it elsewhere)
  --data-dir DIR          the server's DATA_DIR (default: DATA_DIR, else ./.data); the database is
                          the one of the node running there, or DATABASE_URL
  -h, --help              this text
exit codes: 0 ok, 1 verification failed, 2 usage`;

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

/** The database side of the CLI, opened only by the commands that need it. */
export interface CliDatabase {
  pool: Pool;
  config: AppConfig;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Runs one command; `openDatabase` is called only by commands that read or write the log. */
export async function runAuditCommand(
  argv: readonly string[],
  io: CliOutput,
  openDatabase: () => Promise<CliDatabase & { close(): Promise<void> }>,
): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'help':
    case '--help':
    case '-h':
      io.out(`${USAGE}\n`);
      return EXIT_OK;
    case 'export': {
      const values = parse(rest, {
        out: { type: 'string' },
        stream: { type: 'string' },
        category: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
      }).values;
      if (!values.out) throw new UsageError('export needs --out FILE');
      const filter = exportFilter(values);
      return withDatabase(openDatabase, (db, store) => exportCommand(store, values.out!, filter, io));
    }
    case 'verify': {
      const { values } = parse(rest, {
        stream: { type: 'string' },
        'public-key': { type: 'string' },
        digests: { type: 'string' },
      });
      return withDatabase(openDatabase, (db, store) =>
        verifyCommand(
          db,
          store,
          { stream: values.stream, publicKey: values['public-key'], digests: values.digests },
          io,
        ),
      );
    }
    case 'verify-file': {
      const { values, positionals } = parse(
        rest,
        { digest: { type: 'string' }, 'public-key': { type: 'string' } },
        true,
      );
      if (positionals.length !== 1) throw new UsageError('verify-file needs exactly one FILE');
      return verifyFileCommand(positionals[0], values.digest, values['public-key'], io);
    }
    case 'replay': {
      const { positionals } = parse(rest, {}, true);
      if (positionals.length !== 1) throw new UsageError('replay needs exactly one FILE');
      const summary = await replayExportFile(positionals[0]);
      io.out(`${JSON.stringify(summary, null, 2)}\n`);
      return summary.malformed.length === 0 ? EXIT_OK : EXIT_FAILED;
    }
    case 'digest': {
      const { values } = parse(rest, { out: { type: 'string' } });
      if (!values.out) throw new UsageError('digest needs --out FILE');
      return withDatabase(openDatabase, (db, store) => digestCommand(db, store, values.out!, io));
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  }
}

type Options = Parameters<typeof parseArgs>[0] extends infer T
  ? T extends { options?: infer O }
    ? O
    : never
  : never;

function parse<O extends NonNullable<Options>>(
  args: readonly string[],
  options: O,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function exportFilter(values: {
  stream?: string;
  category?: string;
  from?: string;
  to?: string;
}): ExportFilter {
  for (const bound of ['from', 'to'] as const) {
    const value = values[bound];
    if (value !== undefined && !(ISO.test(value) && !Number.isNaN(Date.parse(value)))) {
      throw new UsageError(`--${bound} must be an ISO-8601 time with a zone, e.g. 2026-11-25T00:00:00Z`);
    }
  }
  const filter: ExportFilter = {};
  if (values.stream !== undefined) filter.stream = values.stream;
  if (values.category !== undefined) filter.category = values.category;
  if (values.from !== undefined) filter.from = new Date(values.from).toISOString();
  if (values.to !== undefined) filter.to = new Date(values.to).toISOString();
  return filter;
}

async function withDatabase(
  openDatabase: () => Promise<CliDatabase & { close(): Promise<void> }>,
  run: (db: CliDatabase, store: EventStore) => Promise<number>,
): Promise<number> {
  const db = await openDatabase();
  const store = createEventStore(db.config);
  try {
    return await run(db, store);
  } finally {
    await store.close();
    await db.close();
  }
}

async function exportCommand(
  store: EventStore,
  path: string,
  filter: ExportFilter,
  io: CliOutput,
): Promise<number> {
  // Written beside the target and renamed at the end: a failed export never leaves a file that looks whole.
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const started = Date.now();
  try {
    const { header, trailer } = await exportEventLog(store, out, filter);
    out.end();
    await finished(out);
    await rename(partial, path);
    const seconds = (Date.now() - started) / 1000;
    io.err(
      `exported ${trailer.events} events up to position ${header.log_position || '(empty log)'} in ${seconds.toFixed(1)} s\n`,
    );
    return EXIT_OK;
  } catch (error) {
    out.destroy();
    throw error;
  }
}

async function verifyCommand(
  db: CliDatabase,
  store: EventStore,
  options: { stream?: string; publicKey?: string; digests?: string },
  io: CliOutput,
): Promise<number> {
  const trusted: TrustedKey = options.publicKey
    ? trustedKeyFromPem(await readFile(options.publicKey, 'utf8'))
    : loadTrustedKey(db.config, () => loadAuditSigningKey(db.config));
  if (!trusted.pinned) {
    io.err(
      'no --public-key or AUDIT_PUBLIC_KEY: digests are checked with the signing key found beside the data, which whoever replaces it also controls\n',
    );
  }
  // The configured copy is used unless another is named; one never written yet is no copy at all.
  const configured = db.config.AUDIT_DIGEST_EXPORT_FILE;
  const digestsPath =
    options.digests ?? (configured !== undefined && existsSync(configured) ? configured : undefined);
  if (digestsPath === undefined) {
    io.err('no --digests or AUDIT_DIGEST_EXPORT_FILE: the digests are checked only against each other\n');
  }
  const exported = digestsPath === undefined ? undefined : await readExportedDigests(digestsPath);
  const verifier = new EventLogVerifier(store, db.pool, new RecordedDigests(db.pool, store), trusted);
  const report = await verifier.verify({
    stream: options.stream,
    exported,
    onProgress: (progress) =>
      io.err(
        `verified ${progress.events_checked} events, ${progress.streams_checked} streams, ${progress.problems} problems\n`,
      ),
  });
  io.out(`${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

async function verifyFileCommand(
  path: string,
  digestPath: string | undefined,
  publicKeyPath: string | undefined,
  io: CliOutput,
): Promise<number> {
  const digest = digestPath ? (JSON.parse(await readFile(digestPath, 'utf8')) as DigestDocument) : null;
  const publicKey = publicKeyPath ? await readFile(publicKeyPath, 'utf8') : undefined;
  if (!digest) io.err('no --digest: only the chains inside the file are checked\n');
  else if (!publicKey) io.err('no --public-key: the digest is checked with the key it carries itself\n');
  const report = await verifyExportFile(path, digest, publicKey);
  io.out(`${JSON.stringify(report, null, 2)}\n`);
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

async function digestCommand(
  db: CliDatabase,
  store: EventStore,
  path: string,
  io: CliOutput,
): Promise<number> {
  const key = loadAuditSigningKey(db.config);
  const trusted = loadTrustedKey(db.config, () => key);
  const digests = new DigestSigner(db.pool, store, key, { trusted, sinks: digestSinks(db.config) });
  const signed = await digests.sign({ actor: 'audit-cli', source: 'audit-cli' });
  await writeFile(path, `${JSON.stringify(await digests.document(signed), null, 2)}\n`, { mode: 0o644 });
  io.err(
    `signed digest ${signed.payload.digest_id}: ${signed.payload.stream_count} streams up to ${signed.payload.log_position || '(empty log)'}\n`,
  );
  return EXIT_OK;
}
