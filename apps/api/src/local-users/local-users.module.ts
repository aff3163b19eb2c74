import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ChangeLocalUserHandler } from './commands/change-local-user.handler';
import { LocalUsersController } from './local-users.controller';
import {
  GetLocalUserHandler,
  ListLocalUsersHandler,
  ListSshKeysHandler,
} from './queries/local-user-query.handlers';

@Module({
  imports: [CqrsModule],
  controllers: [LocalUsersController],
  providers: [ChangeLocalUserHandler, ListLocalUsersHandler, GetLocalUserHandler, ListSshKeysHandler],
})
export class LocalUsersModule {}
