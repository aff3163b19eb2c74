import { Logger, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ConfigError, loadConfig, type AppConfig } from '../config/app-config';
import { loadDistributedConfig } from '../config/deployment-secrets';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../database/embedded-postgres';
import { configureHttpApp } from '../http';
import { claimDataDir, type DataDirClaim } from './data-dir-claim';
import { announceNode, withoutPassword } from './node-discovery';
import { StartRefused } from './start-refused';
import { startupSummary, summaryLine } from './startup-summary';

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
 * wrong), provision the database, serve HTTP, and shut down in order on SIGINT/SIGTERM. A start
 * the operator can unblock (a folder or a port in use) ends with one line and exit code 1.
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
  if (!config.DATABASE_URL && definition.mode === 'distributed') {
    console.error(
      `${definition.name}: DATABASE_URL is required (only the single-node start embeds PostgreSQL)`,
    );
    process.exit(2);
  }
  try {
    await serve(definition, config);
  } catch (error) {
    if (!(error instanceof StartRefused)) throw error;
    console.error(`${definition.name}: ${error.message}`);
    process.exit(1);
  }
}

function listenFailure(error: unknown, port: number): unknown {
  return (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
    ? new StartRefused(`PORT ${port} is in use by another program; stop it or set PORT`)
    : error;
}

async function serve(definition: HttpAppDefinition, config: AppConfig): Promise<void> {
  const claim: DataDirClaim | undefined =
    definition.mode === 'single-node' ? await claimDataDir(config.DATA_DIR) : undefined;
  const embeddedPostgresDir = config.DATABASE_URL ? undefined : join(config.DATA_DIR, 'postgres');
  let embedded: EmbeddedPostgresHandle | undefined;
  let app: INestApplication | undefined;
  try {
    if (embeddedPostgresDir) {
      embedded = await startEmbeddedPostgres({
        dataDir: embeddedPostgresDir,
        port: config.EMBEDDED_POSTGRES_PORT,
      });
      config.DATABASE_URL = embedded.url;
    }
    app = await NestFactory.create(definition.rootModule(config), { bufferLogs: true });
    configureHttpApp(app, config);
    await app.listen(config.PORT).catch((error: unknown) => {
      throw listenFailure(error, config.PORT);
    });
  } catch (error) {
    // The embedded cluster is a child process of ours: never leave it running behind a failed start.
    // Closing is best effort here, since the reason the start failed is what gets reported.
    await app?.close().catch(() => undefined);
    await embedded?.stop();
    claim?.release();
    throw error;
  }
  const running = app;
  // PORT=0 lets the system choose: the summary names the port it chose.
  const address = running.getHttpServer().address() as AddressInfo | null;
  const port = address?.port ?? config.PORT;
  const summary = startupSummary(config, { url: `http://localhost:${port}`, embeddedPostgresDir });
  new Logger(definition.name).log(`ready; ${summaryLine(summary)}`);
  // The command-line tools find this node (its database, its secrets' folder) through this file.
  announceNode(config.DATA_DIR, {
    port,
    database: embedded
      ? { kind: 'embedded', port: config.EMBEDDED_POSTGRES_PORT }
      : { kind: 'external', url: withoutPassword(config.DATABASE_URL!) },
  });

  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    try {
      await running.close();
    } finally {
      await embedded?.stop();
      process.exit(signal === 'SIGINT' ? 130 : 0);
    }
  };
  process.once('SIGINT', (signal) => void shutdown(signal));
  process.once('SIGTERM', (signal) => void shutdown(signal));
}
