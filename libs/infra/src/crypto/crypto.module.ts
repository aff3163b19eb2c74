import { Global, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SecretBox } from './secret-box';
import { loadSecretKeys } from './secret-keys';

/** The SecretBox every capability seals its secrets with. */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SecretBox(loadSecretKeys(config)),
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
