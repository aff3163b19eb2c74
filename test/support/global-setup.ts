import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../libs/infra/src/database/embedded-postgres';
import { freePort } from './free-port';
import { ADMIN_URL_VARIABLE } from './postgres';
import { provisionKafka } from './kafka';

/**
 * Provisions the real services the suites need, once per run: PostgreSQL from DATABASE_URL or an
 * embedded cluster, and Kafka from KAFKA_BROKERS or a broker started from Maven Central's jars.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env[ADMIN_URL_VARIABLE] = process.env.DATABASE_URL;
  } else {
    const handle = await startEmbeddedPostgres({
      dataDir: join(__dirname, '..', '..', '.cache', 'test-postgres'),
      port: await freePort(),
    });
    process.env[ADMIN_URL_VARIABLE] = handle.url;
    (globalThis as Record<string, unknown>).__opsEmbeddedPostgres = handle;
  }
  await provisionKafka();
}
