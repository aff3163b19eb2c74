import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DataKeysModule } from '@ops/infra/crypto/data-keys';
import { ProviderEndpoints, UpstreamClient } from '@ops/infra/llm-upstream';
import { ByokKeyResolver } from './byok-key-resolver';
import { ByokController } from './byok.controller';
import { AddProviderKeyHandler } from './commands/add-provider-key.handler';
import { RemoveProviderKeyHandler } from './commands/remove-provider-key.handler';
import { ProviderKeyCheck } from './provider-key-check';

/** Bring-your-own-key: users' provider keys, and the resolver the gateway opens them with. */
@Module({
  imports: [CqrsModule, DataKeysModule],
  controllers: [ByokController],
  providers: [
    UpstreamClient,
    ProviderEndpoints,
    ProviderKeyCheck,
    AddProviderKeyHandler,
    RemoveProviderKeyHandler,
    ByokKeyResolver,
  ],
  exports: [ByokKeyResolver],
})
export class ByokModule {}
