import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AdjustCreditsHandler } from './commands/adjust-credits.handler';
import { SetAccountPlanHandler } from './commands/set-account-plan.handler';
import { CreditsController } from './credits.controller';
import { GetCreditBalanceHandler } from './queries/get-credit-balance.handler';
import { GetCreditHistoryHandler } from './queries/get-credit-history.handler';

@Module({
  imports: [CqrsModule],
  controllers: [CreditsController],
  providers: [AdjustCreditsHandler, SetAccountPlanHandler, GetCreditBalanceHandler, GetCreditHistoryHandler],
})
export class CreditsModule {}
