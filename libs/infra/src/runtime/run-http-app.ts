import { Logger, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from '../config/app-config';
import { loadDistributedConfig } from '../config/deployment-secrets';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../database/embedded-postgres';
import { configureHttpApp } from '../http';
import { announceNode, withoutPassword } from './node-discovery';

export interface HttpAppDefinition {
  /** Shown in the start-up line and in errors. */
  name: string;
  rootModule(config: AppConfig): DynamicModule;
  /**
   * `single-node`: without DATABASE_URL, run an embedded PostgreSQL under DATA_DIR. `distributed`:
   * DATABASE_URL is required, and placeholder secrets stop the start (loadDistributedConfig).
   */
  mode: 'single-node' | 'distributed';
}

/**
 * The entry point every app shares: validate config (a clear message and exit code 2 when it is
 * wrong), provision the database, serve HTTP, and shut down in order on SIGINT/SIGTERM.
 */
export async function runHttpApp(definition: HttpAppDefinition): Promise<void> {
  let config: AppConfig;
  try {
    config = definition.mode === 'distributed' ? loadDistributedConfig() : loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${definition.name}: ${error.message}`);
    process.exit(2);
  }

  let embedded: EmbeddedPostgresHandle | undefined;
  if (!config.DATABASE_URL) {
    if (definition.mode === 'distributed') {
      console.error(
        `${definition.name}: DATABASE_URL is required (only the single-node start embeds PostgreSQL)`,
      );
      process.exit(2);
    }
    embedded = await startEmbeddedPostgres({
      dataDir: join(config.DATA_DIR, 'postgres'),
      port: config.EMBEDDED_POSTGRES_PORT,
    });
    config.DATABASE_URL = embedded.url;
  }

  let app: INestApplication;
  try {
    app = await NestFactory.create(definition.rootModule(config), { bufferLogs: true });
    configureHttpApp(app, config);
    await app.listen(config.PORT);
  } catch (error) {
    // The embedded cluster is a child process of ours: never leave it running behind a failed start.
    await embedded?.stop();
    throw error;
  }
  new Logger(definition.name).log(
    `listening on port ${config.PORT}${embedded ? ` (embedded PostgreSQL under ${config.DATA_DIR})` : ''}`,
  );
  // The command-line tools find this node (its database, its secrets' folder) through this file.
  announceNode(config.DATA_DIR, {
    port: (app.getHttpServer().address() as AddressInfo).port,
    database: embedded
      ? { kind: 'embedded', port: config.EMBEDDED_POSTGRES_PORT }
      : { kind: 'external', url: withoutPassword(config.DATABASE_URL!) },
  });

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    try {
      await app.close();
    } finally {
      await embedded?.stop();
      process.exit(signal === 'SIGINT' ? 130 : 0);
    }
  };
  process.once('SIGINT', (signal) => void shutdown(signal));
  process.once('SIGTERM', (signal) => void shutdown(signal));
}
