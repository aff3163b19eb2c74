import { MIGRATIONS } from '@ops/infra/database/migrations';
import { READ_MODEL_TABLES } from '@ops/read-models';
import { DataSource } from 'typeorm';
import { createTestDatabase } from './postgres';

export interface ReadModelDatabase {
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A migrated database of its own with the read models' tables mapped: for specs of a slice's queries. */
export async function openReadModelDatabase(): Promise<ReadModelDatabase> {
  const database = await createTestDatabase();
  const dataSource = await new DataSource({
    type: 'postgres',
    url: database.url,
    entities: READ_MODEL_TABLES,
    migrations: MIGRATIONS,
    extra: { max: 2 },
  }).initialize();
  await dataSource.runMigrations();
  return {
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
