import type { EmbeddedPostgresHandle } from '../../libs/infra/src/database/embedded-postgres';
import { stopKafka } from './kafka';

export default async function globalTeardown(): Promise<void> {
  await stopKafka();
  const handle = (globalThis as Record<string, unknown>).__opsEmbeddedPostgres as
    EmbeddedPostgresHandle | undefined;
  await handle?.stop();
}
