import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DataKeyVault } from './data-key-vault';
import { KekRing, loadKekKeys } from './kek-ring';

/** The vault of per-subject data keys, for capabilities that seal personal or secret fields. */
@Module({
  providers: [
    {
      provide: DataKeyVault,
      inject: [DataSource, APP_CONFIG],
      useFactory: (database: DataSource, config: AppConfig) =>
        new DataKeyVault(database, new KekRing(() => loadKekKeys(config))),
    },
  ],
  exports: [DataKeyVault],
})
export class DataKeysModule {}
