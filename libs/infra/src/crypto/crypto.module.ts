import { Global, Module } from '@nestjs/common';
import { NodeConfig } from '../runtime/node-config';
import { CryptoConfig } from './crypto-config';
import { SecretBox } from './secret-box';
import { loadSecretKeys } from './secret-keys';

/** The SecretBox every capability seals its secrets with. */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [CryptoConfig, NodeConfig],
      useFactory: (config: CryptoConfig, node: NodeConfig) =>
        new SecretBox(loadSecretKeys({ ...config, ...node })),
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
