import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseConfig } from './database-config';
import { PLATFORM_TABLES } from '@ops/infra/read-models';
import { databaseOptions, migrate } from './data-source';
import { AccessChanges } from '../auth/access-changes';

/**
 * The read-model database: TypeORM, migrated before anything else may use it; repositories injectable
 * everywhere; and the signal that the access read models changed, for whoever keeps their answers.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [DatabaseConfig],
      useFactory: (config: DatabaseConfig) => {
        if (!config.DATABASE_URL)
          throw new Error('DATABASE_URL is not resolved: start through a main that provisions it');
        // The read models' tables join from the modules that use them (TypeOrmModule.forFeature).
        return {
          ...databaseOptions(config.DATABASE_URL, { poolSize: config.DATABASE_POOL_SIZE }),
          autoLoadEntities: true,
        };
      },
      dataSourceFactory: async (options) => {
        if (!options) throw new Error('no database options');
        const dataSource = await new DataSource(options).initialize();
        await migrate(dataSource);
        return dataSource;
      },
    }),
    TypeOrmModule.forFeature(PLATFORM_TABLES),
  ],
  providers: [AccessChanges],
  exports: [TypeOrmModule, AccessChanges],
})
export class DatabaseModule {}
