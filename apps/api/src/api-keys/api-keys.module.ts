import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ApiKeysController } from './api-keys.controller';
import { IssueApiKeyHandler } from './commands/issue-api-key.handler';
import { RevokeAllApiKeysHandler } from './commands/revoke-all-api-keys.handler';
import { RevokeApiKeyHandler } from './commands/revoke-api-key.handler';

@Module({
  imports: [CqrsModule],
  controllers: [ApiKeysController],
  providers: [IssueApiKeyHandler, RevokeApiKeyHandler, RevokeAllApiKeysHandler],
})
export class ApiKeysModule {}
