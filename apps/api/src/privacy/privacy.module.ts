import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DataKeysModule } from '@ops/infra/crypto/data-keys';
import { ErasePersonalDataHandler } from './erase-personal-data.handler';
import { PrivacyController } from './privacy.controller';

@Module({
  imports: [CqrsModule, DataKeysModule],
  controllers: [PrivacyController],
  providers: [ErasePersonalDataHandler],
})
export class PrivacyModule {}
