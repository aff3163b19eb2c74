import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../config/app-config';
import { embeddedClusterExists, useEmbeddedPostgres } from '../database/embedded-postgres';
import { CliRefusal } from './cli-runner';
import { findRunningNode, type RunningNode } from './node-discovery';

export interface CliDatabase {
  /** The configuration, with DATABASE_URL resolved to the embedded cluster when none was given. */
  config: AppConfig & { DATABASE_URL: string };
  /** The node running on DATA_DIR, if one is. */
  node?: RunningNode;
  /** Stops the embedded cluster if this CLI started it. */
  stop(): Promise<void>;
}

/** Quiet logs: a CLI's own output is the point. */
export function loadCliConfig(env: NodeJS.ProcessEnv): AppConfig {
  return loadConfig({ LOG_LEVEL: 'warn', ...env });
}

/**
 * What every command-line tool starts with: the environment's configuration and the database it
 * names, or else the one of the node on DATA_DIR: its embedded cluster, on the port that node
 * announced, when it runs (never a second cluster on the same files); started here when it does not.
 * A folder that holds no cluster is refused rather than given a new, empty one.
 */
export async function openCliDatabase(env: NodeJS.ProcessEnv = process.env): Promise<CliDatabase> {
  const config = loadCliConfig(env);
  const node = findRunningNode(config.DATA_DIR);
  if (config.DATABASE_URL) {
    return { config: config as CliDatabase['config'], node, stop: async () => undefined };
  }
  if (node?.database.kind === 'external') {
    throw new CliRefusal(
      `the ops-center running on ${config.DATA_DIR} (pid ${node.pid}) uses the database ${node.database.url}: set DATABASE_URL to reach it`,
    );
  }
  const dataDir = join(config.DATA_DIR, 'postgres');
  if (!node && !embeddedClusterExists(dataDir)) {
    throw new CliRefusal(
      `no database: ${config.DATA_DIR} holds no embedded PostgreSQL and DATABASE_URL is unset; start the server once (npm start), or pass --data-dir <its DATA_DIR>, or set DATABASE_URL`,
    );
  }
  const announcedPort = node?.database.kind === 'embedded' ? node.database.port : undefined;
  const embedded = await useEmbeddedPostgres({
    dataDir,
    port: announcedPort ?? config.EMBEDDED_POSTGRES_PORT,
  });
  config.DATABASE_URL = embedded.url;
  return { config: config as CliDatabase['config'], node, stop: () => embedded.stop() };
}
