import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NodeConfig } from '../../runtime/node-config';
import { CryptoConfig } from '../crypto-config';
import { DataKeyVault } from './data-key-vault';
import { KekRing, loadKekKeys } from './kek-ring';

/** The vault of per-subject data keys, for capabilities that seal personal or secret fields. */
@Module({
  providers: [
    {
      provide: DataKeyVault,
      inject: [DataSource, CryptoConfig, NodeConfig],
      useFactory: (database: DataSource, config: CryptoConfig, node: NodeConfig) =>
        new DataKeyVault(database, new KekRing(() => loadKekKeys({ ...config, ...node }))),
    },
  ],
  exports: [DataKeyVault],
})
export class DataKeysModule {}
