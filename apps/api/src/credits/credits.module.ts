import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { GrantCreditsHandler } from './commands/grant-credits.handler';
import { CreditsController } from './credits.controller';
import { GetCreditBalanceHandler } from './queries/get-credit-balance.handler';
import { GetCreditHistoryHandler } from './queries/get-credit-history.handler';

@Module({
  imports: [CqrsModule],
  controllers: [CreditsController],
  providers: [GrantCreditsHandler, GetCreditBalanceHandler, GetCreditHistoryHandler],
})
export class CreditsModule {}
