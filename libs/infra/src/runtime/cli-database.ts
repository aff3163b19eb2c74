import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../config/app-config';
import { useEmbeddedPostgres } from '../database/embedded-postgres';

export interface CliDatabase {
  /** The configuration, with DATABASE_URL resolved to the embedded cluster when none was given. */
  config: AppConfig & { DATABASE_URL: string };
  /** Stops the embedded cluster if this CLI started it. */
  stop(): Promise<void>;
}

/**
 * What every command-line tool starts with: the environment's configuration, quiet logs (a CLI's own
 * output is the point), and the database it names, or the single node's embedded one under DATA_DIR.
 */
export async function openCliDatabase(): Promise<CliDatabase> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  const embedded = config.DATABASE_URL
    ? undefined
    : await useEmbeddedPostgres({
        dataDir: join(config.DATA_DIR, 'postgres'),
        port: config.EMBEDDED_POSTGRES_PORT,
      });
  config.DATABASE_URL ??= embedded!.url;
  return {
    config: config as AppConfig & { DATABASE_URL: string },
    stop: async () => {
      await embedded?.stop();
    },
  };
}
