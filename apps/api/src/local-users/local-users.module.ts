import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangeLocalUserHandler } from './commands/change-local-user.handler';
import { LocalUsersController } from './local-users.controller';

@Module({
  imports: [CqrsModule],
  controllers: [LocalUsersController],
  providers: [ChangeLocalUserHandler],
})
export class LocalUsersModule {}
